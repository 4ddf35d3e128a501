package org.dimse4j.interop;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs DCMTK command-line tools for interoperability tests, as a JUnit extension: every process it starts is
 * destroyed after each test, and the captured output of every process (and of anything else {@link #note noted})
 * is printed when the test fails.
 * <p>
 * A missing tool skips the test, except on CI ({@code CI=true}) where it fails it.
 */
final class Dcmtk implements AfterEachCallback, TestWatcher
{
    /** How long a DCMTK process may run before a test gives up on it. */
    static final long WAIT_SECONDS = 30;

    private static final String LOOPBACK = "127.0.0.1";
    private static final List<String> FALLBACK_DIRS = List.of("/usr/bin", "/usr/local/bin", "/opt/dcmtk/bin");
    private static final Map<String, Optional<Path>> TOOLS = new ConcurrentHashMap<>();

    private final List<Run> runs = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Path logDir;

    /**
     * Finds a DCMTK tool on DCMTK_HOME/bin, the PATH or the usual directories; skips the test if it is absent
     * (fails it on CI).
     *
     * @param name tool name, e.g. "echoscu".
     * @return its executable.
     */
    static Path tool(final String name)
    {
        final Optional<Path> found = TOOLS.computeIfAbsent(name, Dcmtk::locate);
        final String message = "DCMTK tool '" + name + "' not found (DCMTK_HOME/bin, PATH, " + FALLBACK_DIRS + ")";
        if (found.isEmpty())
        {
            if ("true".equals(System.getenv("CI")))
            {
                Assertions.fail(message + ": DCMTK must be installed on CI for the interop tests");
            }
            Assumptions.abort(message + ": skipping interop test");
        }
        return found.get();
    }

    private static Optional<Path> locate(final String name)
    {
        final List<String> dirs = new ArrayList<>();
        final String home = System.getenv("DCMTK_HOME");
        if (home != null && !home.isBlank())
        {
            dirs.add(home + File.separator + "bin");
        }
        final String path = System.getenv("PATH");
        if (path != null)
        {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(FALLBACK_DIRS);
        for (final String dir : dirs)
        {
            if (dir.isEmpty())
            {
                continue;
            }
            final Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate))
            {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** @return a TCP port free on the loopback interface right now. */
    static int freePort()
    {
        try (ServerSocket socket = new ServerSocket())
        {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LOOPBACK, 0));
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Starts a DCMTK tool with TCP_NODELAY=1, stdout and stderr going to one log file.
     *
     * @param name tool name.
     * @param args its arguments.
     * @return the running process.
     */
    Run start(final String name, final String... args)
    {
        return start(null, name, args);
    }

    /**
     * Starts a DCMTK tool as {@link #start(String, String...)} does, in a working directory of the caller's (movescu
     * 3.6.7 with {@code +B} writes what it receives there, not under {@code -od}).
     *
     * @param workingDirectory its working directory, or null for the log directory.
     * @param name             tool name.
     * @param args             its arguments.
     * @return the running process.
     */
    Run start(final Path workingDirectory, final String name, final String... args)
    {
        return start(workingDirectory, Map.of(), name, args);
    }

    private Run start(final Path workingDirectory, final Map<String, String> environment, final String name,
        final String... args)
    {
        final Path executable = tool(name);
        final List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        try
        {
            if (logDir == null)
            {
                logDir = Files.createTempDirectory("dimse4j-interop-");
            }
            final Path log = logDir.resolve(String.format("%02d-%s.log", runs.size() + 1, name));
            final ProcessBuilder builder = new ProcessBuilder(command)
                .directory((workingDirectory != null ? workingDirectory : logDir).toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("TCP_NODELAY", "1");
            builder.environment().putAll(environment);
            final Run run = new Run(String.join(" ", command), builder.start(), log);
            synchronized (runs)
            {
                runs.add(run);
            }
            return run;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + command, ex);
        }
    }

    /**
     * Runs a DCMTK tool to its end.
     *
     * @param name tool name.
     * @param args its arguments.
     * @return the finished process.
     */
    Run run(final String name, final String... args)
    {
        final Run run = start(name, args);
        run.await();
        return run;
    }

    /**
     * Runs a DCMTK tool to its end in a working directory of the caller's.
     *
     * @param workingDirectory its working directory.
     * @param name             tool name.
     * @param args             its arguments.
     * @return the finished process.
     */
    Run runIn(final Path workingDirectory, final String name, final String... args)
    {
        final Run run = start(workingDirectory, name, args);
        run.await();
        return run;
    }

    /**
     * Runs a DCMTK tool to its end with more environment variables, e.g. {@code TCP_BUFFER_LENGTH} (DCMTK then sets
     * SO_SNDBUF and SO_RCVBUF of its socket to that many bytes).
     *
     * @param environment the variables.
     * @param name        tool name.
     * @param args        its arguments.
     * @return the finished process.
     */
    Run run(final Map<String, String> environment, final String name, final String... args)
    {
        final Run run = start(null, environment, name, args);
        run.await();
        return run;
    }

    /**
     * Records text to print if the test fails (e.g. the output of our own tools).
     *
     * @param title what it is.
     * @param text  the text.
     */
    void note(final String title, final String text)
    {
        synchronized (notes)
        {
            notes.add("----- " + title + " -----\n" + text);
        }
    }

    /**
     * Starts DCMTK's Query/Retrieve SCP with a database under {@code dir}, serving AE title DCMQRSCP on {@code port}
     * (forking mode: {@code --single-process} crashed after its first association here, DCMTK 3.6.x), and waits
     * until it listens.
     *
     * @param dir  where its configuration and database go.
     * @param port its TCP port.
     * @return the running process.
     * @throws IOException if its files cannot be written.
     */
    Run startDcmqrscp(final Path dir, final int port) throws IOException
    {
        return startDcmqrscp(dir, port, Map.of());
    }

    /**
     * Starts DCMTK's Query/Retrieve SCP as {@link #startDcmqrscp(Path, int)} does, knowing C-MOVE destinations.
     *
     * @param dir          where its configuration and database go.
     * @param port         its TCP port.
     * @param destinations AE title to loopback port of each Move Destination (its HostTable).
     * @return the running process.
     * @throws IOException if its files cannot be written.
     */
    Run startDcmqrscp(final Path dir, final int port, final Map<String, Integer> destinations) throws IOException
    {
        return startDcmqrscp(dir, port, destinations, new String[0]);
    }

    /**
     * Starts DCMTK's Query/Retrieve SCP as {@link #startDcmqrscp(Path, int, Map)} does, with more options.
     *
     * @param dir          where its configuration and database go.
     * @param port         its TCP port.
     * @param destinations AE title to loopback port of each Move Destination (its HostTable).
     * @param options      further dcmqrscp options, e.g. {@code -d} (its debug log also slows its responses down)
     *                     or {@code +B} (store what arrives bit preserving).
     * @return the running process.
     * @throws IOException if its files cannot be written.
     */
    Run startDcmqrscp(final Path dir, final int port, final Map<String, Integer> destinations,
        final String... options) throws IOException
    {
        final StringBuilder hosts = new StringBuilder();
        destinations.forEach((aet, destPort) ->
            hosts.append(aet).append(" = (").append(aet).append(", ").append(LOOPBACK).append(", ").append(destPort)
                .append(")\n"));
        final Path db = Files.createDirectories(dir.resolve("db"));
        final Path config = dir.resolve("dcmqrscp.cfg");
        Files.writeString(config, String.join("\n",
            "NetworkTCPPort  = " + port,
            "MaxPDUSize      = 16384",
            "MaxAssociations = 16",
            "HostTable BEGIN",
            hosts + "HostTable END",
            "VendorTable BEGIN",
            "VendorTable END",
            "AETable BEGIN",
            "DCMQRSCP  " + db + "  RW  (200, 1024mb)  ANY",
            "AETable END",
            ""));
        final List<String> args = new ArrayList<>(List.of(options));
        args.add("-c");
        args.add(config.toString());
        final Run scp = start("dcmqrscp", args.toArray(String[]::new));
        awaitPort(port, 10_000, scp);
        return scp;
    }

    /**
     * Waits until a local TCP port accepts connections, polling every 50 ms.
     *
     * @param port      loopback port.
     * @param timeoutMs at most this long.
     * @param server    the process that should be listening: fails fast if it has exited.
     */
    static void awaitPort(final int port, final long timeoutMs, final Run server)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress(LOOPBACK, port), 200);
                return;
            }
            catch (final IOException notYet)
            {
                if (server != null && !server.process.isAlive())
                {
                    Assertions.fail(server.command + " exited with " + server.process.exitValue() +
                        " before listening on port " + port + ":\n" + server.output());
                }
                if (System.nanoTime() > deadline)
                {
                    Assertions.fail("nothing listens on " + LOOPBACK + ":" + port + " after " + timeoutMs + " ms");
                }
                sleep(50);
            }
        }
    }

    /**
     * Waits for a condition, polling every 10 ms.
     *
     * @param what      description for the failure message.
     * @param timeoutMs at most this long.
     * @param condition the condition.
     */
    static void awaitTrue(final String what, final long timeoutMs, final java.util.function.BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                Assertions.fail("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            sleep(10);
        }
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    /** {@inheritDoc} */
    @Override
    public void afterEach(final ExtensionContext context)
    {
        synchronized (runs)
        {
            for (final Run run : runs)
            {
                run.destroy();
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void testFailed(final ExtensionContext context, final Throwable cause)
    {
        final StringBuilder out = new StringBuilder("===== DCMTK interop output for ")
            .append(context.getDisplayName()).append(" =====\n");
        synchronized (runs)
        {
            for (final Run run : runs)
            {
                out.append("----- ").append(run.command).append(" (exit ")
                    .append(run.process.isAlive() ? "still running" : String.valueOf(run.process.exitValue()))
                    .append(") -----\n").append(run.output()).append('\n');
            }
        }
        synchronized (notes)
        {
            notes.forEach(note -> out.append(note).append('\n'));
        }
        System.out.println(out);
        reset();
    }

    /** {@inheritDoc} */
    @Override
    public void testSuccessful(final ExtensionContext context)
    {
        reset();
    }

    /** {@inheritDoc} */
    @Override
    public void testAborted(final ExtensionContext context, final Throwable cause)
    {
        reset();
    }

    private void reset()
    {
        synchronized (runs)
        {
            runs.clear();
        }
        synchronized (notes)
        {
            notes.clear();
        }
        if (logDir != null)
        {
            try (var files = Files.walk(logDir))
            {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
            catch (final IOException ignore)
            {
                // temporary files only
            }
            logDir = null;
        }
    }

    /** A DCMTK process and its log. */
    static final class Run
    {
        final String command;
        final Process process;
        final Path log;

        Run(final String command, final Process process, final Path log)
        {
            this.command = command;
            this.process = process;
            this.log = log;
        }

        /**
         * Waits for the process to end, at most {@link #WAIT_SECONDS}; destroys it and fails if it does not.
         *
         * @return its exit code.
         */
        int await()
        {
            try
            {
                if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS))
                {
                    destroy();
                    Assertions.fail(command + " did not end within " + WAIT_SECONDS + " s:\n" + output());
                }
                return process.exitValue();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                destroy();
                throw new IllegalStateException("interrupted waiting for " + command, ex);
            }
        }

        /** @return the exit code (waits for the end first). */
        int exitCode()
        {
            return await();
        }

        /** @return stdout and stderr so far. */
        String output()
        {
            try
            {
                return Files.readString(log, StandardCharsets.ISO_8859_1);
            }
            catch (final IOException ex)
            {
                return "(cannot read " + log + ": " + ex + ")";
            }
        }

        /** @return whether the process is still running. */
        boolean isAlive()
        {
            return process.isAlive();
        }

        void destroy()
        {
            if (!process.isAlive())
            {
                return;
            }
            process.destroy();
            try
            {
                if (!process.waitFor(5, TimeUnit.SECONDS))
                {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
