package io.gatehouse.qr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExternalToolTest {

    @Test
    void finds_an_executable_on_path() {
        assertThat(ExternalTool.find("sh")).hasValueSatisfying(path -> assertThat(Files.isExecutable(path)).isTrue());
    }

    @Test
    void finds_nothing_for_an_unknown_name() {
        assertThat(ExternalTool.find("gatehouse-no-such-tool")).isEmpty();
    }

    @Test
    void rejects_names_with_a_path_separator() {
        assertThatThrownBy(() -> ExternalTool.find("/bin/sh"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tool name: expected a bare file name, got \"/bin/sh\"");
    }

    @Test
    void run_captures_exit_code_stdout_and_stderr() {
        ExternalTool.ProcessResult result = ExternalTool.run(Duration.ofSeconds(30),
                "sh", "-c", "printf 'out ü'; printf err >&2; exit 3");

        assertThat(result).isEqualTo(new ExternalTool.ProcessResult(3, "out ü", "err"));
    }

    @Test
    void run_gives_the_process_empty_standard_input() {
        assertThat(ExternalTool.run(Duration.ofSeconds(30), "cat").stdout()).isEmpty();
    }

    @Test
    void run_kills_a_process_that_overruns_its_timeout() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> ExternalTool.run(Duration.ofMillis(300), "sleep", "30"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("\"sleep 30\" did not finish within PT0.3S; killed it");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
