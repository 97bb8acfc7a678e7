package io.gatehouse.server.testing;

import io.gatehouse.server.db.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class whose every test has a server of its own: started with an administrator on a fresh data directory
 * (on the database the build runs the class on) before the test and the class's own {@code @BeforeEach}, and
 * closed after it.
 */
public abstract class ServerPerTest {
    @TempDir
    protected Path data;
    protected TestServer server;
    protected Database database;

    @BeforeEach
    protected final void startServer() {
        server = TestServer.start(data);
        database = server.gatehouse().services().core().database();
    }

    @AfterEach
    protected final void closeServer() {
        server.close();
    }
}
