package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Every command's --help, as an 80-column terminal shows it: nothing wider, no sentence cut off. */
class HelpTextTest {

    static List<CommandLine> everyCommand() {
        PrintWriter sink = new PrintWriter(new StringWriter());
        List<CommandLine> all = new ArrayList<>();
        collect(GatehouseCommand.commandLine(sink, sink), all);
        return all;
    }

    private static void collect(CommandLine command, List<CommandLine> all) {
        all.add(command);
        command.getSubcommands().values().forEach(sub -> collect(sub, all));
    }

    static String usage(CommandLine command) {
        command.setUsageHelpAutoWidth(false);
        command.setUsageHelpWidth(80);
        return command.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void every_help_line_fits_in_80_columns() {
        List<CommandLine> commands = everyCommand();
        assertThat(commands).extracting(c -> c.getCommandSpec().qualifiedName()).contains("gatehouse serve",
                "gatehouse admin token create", "gatehouse admin keys rotate-bundle-key",
                "gatehouse admin keys rotate-minting-key", "gatehouse audit verify",
                "gatehouse wallet show", "gatehouse reader run");
        for (CommandLine command : commands) {
            for (String line : usage(command).split("\n")) {
                assertThat(line.length()).as(command.getCommandSpec().qualifiedName() + ": " + line)
                        .isLessThanOrEqualTo(80);
            }
        }
    }

    @Test
    void every_description_is_made_of_whole_sentences() {
        for (CommandLine command : everyCommand()) {
            CommandSpec spec = command.getCommandSpec();
            Stream<String> texts = Stream.concat(Arrays.stream(spec.usageMessage().description()), Stream.concat(
                    spec.options().stream().filter(option -> !option.hidden()).map(OptionSpec::description)
                            .flatMap(Arrays::stream),
                    spec.positionalParameters().stream().map(PositionalParamSpec::description)
                            .flatMap(Arrays::stream)));
            // "%n" separates paragraphs (picocli's own help command uses it).
            texts.forEach(text -> assertThat(text.replaceAll("^%n|%n$", "")).as(spec.qualifiedName())
                    .matches("[A-Z].*[.]").doesNotContain("  "));
        }
    }

    @Test
    void a_command_list_shows_each_summary_whole() {
        for (CommandLine command : everyCommand()) {
            for (CommandLine sub : command.getSubcommands().values()) {
                // A command list shows the header, when there is one, else the first paragraph of the description.
                CommandLine.Model.UsageMessageSpec message = sub.getCommandSpec().usageMessage();
                String summary = message.header().length > 0 ? message.header()[0] : message.description()[0];
                String listed = String.join(" ", usage(command).lines()
                        .dropWhile(line -> !line.equals("Commands:")).map(String::strip).toList());
                assertThat(listed).as(sub.getCommandSpec().qualifiedName()).contains(summary);
            }
        }
    }

    @Test
    void version_on_any_command_names_the_build_and_the_java_runtime() {
        for (CommandLine command : everyCommand()) {
            String[] version = command.getCommandSpec().version();
            assertThat(version).as(command.getCommandSpec().qualifiedName()).isNotEmpty();
            assertThat(version[0]).doesNotContain("development").doesNotContain("${");
        }
        assertThat(new Version().getVersion()).containsSubsequence("gatehouse " + Version.project(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                        + System.getProperty("java.home") + ")");
    }
}
