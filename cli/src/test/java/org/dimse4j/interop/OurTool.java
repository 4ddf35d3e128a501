package org.dimse4j.interop;

import org.dimse4j.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs our CLI tools in-process for the storage interop tests: to their end with stdout and stderr captured (and
 * still printed), or, for the SCPs, on a thread of their own until interrupted.
 */
final class OurTool
{
    private static final Object CAPTURE = new Object();

    private OurTool()
    {
    }

    /** The result of one of our tools run to its end. */
    record Result(int exitCode, String out, String err)
    {
    }

    /**
     * Runs a tool to its end, capturing its output.
     *
     * @param dcmtk where to note the output, printed if the test fails.
     * @param args  tool and arguments.
     * @return exit code and output.
     */
    static Result run(final Dcmtk dcmtk, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code;
        synchronized (CAPTURE)
        {
            final PrintStream originalOut = System.out;
            final PrintStream originalErr = System.err;
            System.setOut(new PrintStream(new Tee(originalOut, out), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(originalErr, err), true, StandardCharsets.UTF_8));
            try
            {
                code = Main.run(args);
            }
            finally
            {
                System.out.flush();
                System.err.flush();
                System.setOut(originalOut);
                System.setErr(originalErr);
            }
        }
        final Result result = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        dcmtk.note("dimse4j " + String.join(" ", args) + " (exit " + code + ")",
            "stdout:\n" + result.out + "stderr:\n" + result.err);
        return result;
    }

    /** One of our SCPs running on a thread of its own. */
    static final class Server implements AutoCloseable
    {
        final int port;
        private final Thread thread;
        private volatile int exitCode = -1;

        private Server(final int port, final String... args)
        {
            this.port = port;
            this.thread = new Thread(() -> exitCode = Main.run(args), "our-" + args[0]);
            this.thread.setDaemon(true);
        }

        /**
         * Starts {@code args} (whose last argument is the port) and waits until it listens on the loopback.
         *
         * @param port its port.
         * @param args tool and arguments.
         * @return the running server.
         */
        static Server start(final int port, final String... args)
        {
            final Server server = new Server(port, args);
            server.thread.start();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true)
            {
                try (Socket socket = new Socket())
                {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return server;
                }
                catch (final IOException notYet)
                {
                    if (!server.thread.isAlive())
                    {
                        fail(String.join(" ", args) + " ended with exit code " + server.exitCode + " before listening");
                    }
                    if (System.nanoTime() > deadline)
                    {
                        fail(String.join(" ", args) + " does not listen on port " + port + " after 10 s");
                    }
                    try
                    {
                        Thread.sleep(20);
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(ex);
                    }
                }
            }
        }

        /** @return whether it still runs. */
        boolean isAlive()
        {
            return thread.isAlive();
        }

        /**
         * Stops it as Ctrl-C would (here: an interrupt) and waits for its end.
         *
         * @return its exit code.
         */
        int stop()
        {
            thread.interrupt();
            try
            {
                thread.join(10_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive())
            {
                fail(thread.getName() + " did not stop within 10 s of an interrupt");
            }
            return exitCode;
        }

        @Override
        public void close()
        {
            if (thread.isAlive())
            {
                stop();
            }
        }
    }

    /** Writes to two streams (also used by the echo tests). */
    static final class Tee extends OutputStream
    {
        private final OutputStream first;
        private final OutputStream second;

        Tee(final OutputStream first, final OutputStream second)
        {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(final int b) throws IOException
        {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException
        {
            first.flush();
            second.flush();
        }
    }
}
