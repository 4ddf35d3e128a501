package org.dimse4j.interop;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.ae.Server;
import org.dimse4j.cli.Main;
import org.dimse4j.service.Verification;
import org.dimse4j.ul.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * C-ECHO interoperability with DCMTK 3.6: DCMTK's echoscu against our SCP, our echoscu against DCMTK's storescp,
 * including rejection, abort, several presentation contexts and the association limit. Loopback only.
 */
final class EchoInteropTest
{
    private static final String HOST = "127.0.0.1";
    private static final String OUR_AE = "DIMSE4J";

    @RegisterExtension
    static final Dcmtk DCMTK = new Dcmtk();

    private Server server;

    @AfterEach
    void closeServer()
    {
        if (server != null)
        {
            server.close();
            server = null;
        }
    }

    private int startOurScp(final ApplicationEntity.Builder builder) throws IOException
    {
        server = builder.acseTimeoutMs(10_000).build().listen(new InetSocketAddress(HOST, 0));
        return server.port();
    }

    private static ApplicationEntity.Builder ourScp()
    {
        return ApplicationEntity.named(OUR_AE).acceptVerification();
    }

    private static Dcmtk.Run startStorescp(final int port, final String... options)
    {
        final String[] args = new String[options.length + 3];
        System.arraycopy(options, 0, args, 0, options.length);
        args[options.length] = "-v";
        args[options.length + 1] = "--ignore";
        args[options.length + 2] = String.valueOf(port);
        final Dcmtk.Run scp = DCMTK.start("storescp", args);
        Dcmtk.awaitPort(port, 10_000, scp);
        return scp;
    }

    // ---------------------------------------------------------------- 1, 2, 3: DCMTK echoscu -> our SCP

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void dcmtkEchoscuAgainstOurScp() throws IOException
    {
        final int port = startOurScp(ourScp());

        final Dcmtk.Run echo = DCMTK.run("echoscu", "-v", "-aec", OUR_AE, HOST, String.valueOf(port));

        assertEquals(0, echo.exitCode(), "echoscu exit code");
        assertTrue(echo.output().contains("Received Echo Response (Success)"), "echoscu -v: success response");
        Dcmtk.awaitTrue("our server to close the released association", 5_000,
            () -> server.openAssociations() == 0);
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void dcmtkEchoscuRepeatedOnOneAssociation() throws IOException
    {
        final int port = startOurScp(ourScp());

        final Dcmtk.Run echo = DCMTK.run("echoscu", "-v", "--repeat", "1000", HOST, String.valueOf(port));

        assertEquals(0, echo.exitCode(), "echoscu exit code");
        final String output = echo.output();
        // -v prints "Requesting Association" and "Association Accepted" once: one association for all echoes.
        assertEquals(1, count(output, "Requesting Association"), "associations requested");
        assertEquals(1, count(output, "Association Accepted"), "associations accepted");
        assertEquals(1000, count(output, "Received Echo Response (Success)"), "successful C-ECHO-RSP");
        assertEquals(1000, count(output, "Received Echo Response"), "C-ECHO-RSP");
        assertTrue(output.contains("Sending Echo Request (MsgID 1000)"), "message ids 1..1000");
        assertEquals(1, count(output, "Releasing Association"), "release");
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void dcmtkEchoscuProposingSeveralContexts() throws IOException
    {
        final int port = startOurScp(ourScp());

        // 5 presentation contexts (ids 1, 3, 5, 7, 9) of Verification, each with 3 transfer syntaxes
        final Dcmtk.Run echo = DCMTK.run("echoscu", "-d", "--propose-pc", "5", "--propose-ts", "3",
            HOST, String.valueOf(port));

        assertEquals(0, echo.exitCode(), "echoscu exit code");
        final String output = echo.output();
        assertTrue(output.contains("Received Echo Response (Success)"), "echoscu: success response");
        // the A-ASSOCIATE-AC dump of -d: "Context ID:        1 (Accepted)"
        final String ac = section(output, "BEGIN A-ASSOCIATE-AC", "END A-ASSOCIATE-AC");
        final int accepted = count(ac, "(Accepted)");
        assertTrue(accepted > 1, "more than one presentation context accepted, got " + accepted + " in:\n" + ac);
        assertEquals(5, accepted, "all five Verification contexts accepted");
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void dcmtkEchoscuProposingTheMostContextsAndTransferSyntaxes() throws IOException
    {
        final int port = startOurScp(ourScp());

        // the limits of echoscu: 128 presentation contexts (ids 1..255), 38 transfer syntaxes each
        final Dcmtk.Run echo = DCMTK.run("echoscu", "-d", "--propose-pc", "128", "--propose-ts", "38",
            "--repeat", "3", HOST, String.valueOf(port));

        assertEquals(0, echo.exitCode(), "echoscu exit code");
        final String output = echo.output();
        assertEquals(3, count(output, "Received Echo Response (Success)"), "echoscu: success responses");
        final String ac = section(output, "BEGIN A-ASSOCIATE-AC", "END A-ASSOCIATE-AC");
        assertEquals(128, count(ac, "(Accepted)"), "all 128 contexts accepted");
        assertTrue(ac.contains("Context ID:        255 (Accepted)"), "the last context id, 255");
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void dcmtkEchoscuRejectedForCallingAeTitleNotAllowed() throws IOException
    {
        final int port = startOurScp(ourScp().allowedCallingAeTitles(java.util.Set.of("GOOD")));

        final Dcmtk.Run rejected = DCMTK.run("echoscu", "-v", "-aet", "BAD", HOST, String.valueOf(port));
        assertNotEquals(0, rejected.exitCode(), "echoscu exit code when rejected");
        assertTrue(rejected.output().contains("Rejected Permanent"), "echoscu: permanent rejection");
        assertTrue(rejected.output().contains("Calling AE Title Not Recognized"), "echoscu: reason");

        final Dcmtk.Run allowed = DCMTK.run("echoscu", "-v", "-aet", "GOOD", HOST, String.valueOf(port));
        assertEquals(0, allowed.exitCode(), "echoscu exit code with an allowed calling AE title");
    }

    // ---------------------------------------------------------------- 4: our echoscu -> DCMTK storescp

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void ourEchoscuAgainstDcmtkStorescp()
    {
        final int port = Dcmtk.freePort();
        final Dcmtk.Run scp = startStorescp(port);

        final Ours repeated = ours("echoscu", "-r", "100", HOST, String.valueOf(port));
        assertEquals(0, repeated.exitCode, "our echoscu -r 100: exit code");
        assertTrue(repeated.out.contains("100 succeeded, 0 failed"), "our echoscu summary");

        final Ours contexts = ours("echoscu", "--propose-contexts", "3", "-r", "10", HOST, String.valueOf(port));
        assertEquals(0, contexts.exitCode, "our echoscu --propose-contexts 3: exit code");
        assertTrue(contexts.out.contains("10 succeeded, 0 failed"), "our echoscu summary");

        assertTrue(scp.isAlive(), "storescp still running");
        Dcmtk.awaitTrue("storescp to log the 2 released associations", 5_000,
            () -> count(scp.output(), "Association Release") == 2);
        assertEquals(2, count(scp.output(), "Association Acknowledged"), "storescp: associations accepted");
        assertEquals(110, count(scp.output(), "Received Echo Request"), "storescp: C-ECHO-RQ");
    }

    // ---------------------------------------------------------------- 5: rejection both ways

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void dcmtkEchoscuRejectedForWrongCalledAeTitle() throws IOException
    {
        final int port = startOurScp(ourScp().requireCalledAeTitle(true));

        final Dcmtk.Run rejected = DCMTK.run("echoscu", "-v", "-aec", "WRONG", HOST, String.valueOf(port));

        assertNotEquals(0, rejected.exitCode(), "echoscu exit code when rejected");
        final String output = rejected.output();
        assertTrue(output.contains("Association Rejected"), "echoscu: association rejected");
        assertTrue(output.contains("Rejected Permanent"), "echoscu: permanent rejection");
        assertTrue(output.contains("Called AE Title Not Recognized"), "echoscu: reason");
        assertTrue(!output.contains("Sending Echo Request"), "no echo sent");

        // the right called AE title still gets through
        final Dcmtk.Run right = DCMTK.run("echoscu", "-v", "-aec", OUR_AE, HOST, String.valueOf(port));
        assertEquals(0, right.exitCode(), "echoscu with our AE title");
        Dcmtk.awaitTrue("our server to have no association open", 5_000, () -> server.openAssociations() == 0);
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void ourEchoscuRejectedByRefusingStorescp()
    {
        final int port = Dcmtk.freePort();
        final Dcmtk.Run scp = startStorescp(port, "--refuse");

        final Ours rejected = ours("echoscu", HOST, String.valueOf(port));

        assertEquals(1, rejected.exitCode, "our echoscu exit code when rejected");
        final String err = rejected.err.toLowerCase(Locale.ROOT);
        assertTrue(err.contains("reject"), "our echoscu: stderr mentions the rejection:\n" + rejected.err);
        assertTrue(err.contains("permanent"), "our echoscu: stderr gives the result:\n" + rejected.err);
        assertTrue(scp.isAlive(), "storescp still running");
        Dcmtk.awaitTrue("storescp to log the refusal", 5_000,
            () -> scp.output().contains("Refusing Association"));
    }

    // ---------------------------------------------------------------- 6: abort both ways

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void dcmtkEchoscuAbortsOnOurScp() throws IOException
    {
        final int port = startOurScp(ourScp());

        final Dcmtk.Run aborting = DCMTK.run("echoscu", "-v", "--abort", HOST, String.valueOf(port));

        assertEquals(0, aborting.exitCode(), "echoscu --abort exit code");
        assertTrue(aborting.output().contains("Received Echo Response (Success)"), "echo before the abort");
        assertTrue(aborting.output().contains("Aborting Association"), "echoscu aborted");
        Dcmtk.awaitTrue("our server to drop the aborted association", 5_000, () -> server.openAssociations() == 0);

        final ApplicationEntity client = ApplicationEntity.named("OURSCU").dimseTimeoutMs(5_000).build();
        try (ClientAssociation association =
            client.connect(HOST, port, OUR_AE, ContextRequest.of(Verification.SOP_CLASS)))
        {
            assertEquals(0, association.echo(), "our echo after DCMTK's abort");
            association.release();
            assertEquals(Outcome.RELEASED, association.association().outcome());
        }
        Dcmtk.awaitTrue("our server to close the released association", 5_000,
            () -> server.openAssociations() == 0);
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void ourEchoscuAbortsOnDcmtkStorescp()
    {
        final int port = Dcmtk.freePort();
        final Dcmtk.Run scp = startStorescp(port);

        final Ours aborting = ours("echoscu", "--abort", "-r", "3", HOST, String.valueOf(port));
        assertEquals(0, aborting.exitCode, "our echoscu --abort exit code");
        Dcmtk.awaitTrue("storescp to see the abort", 5_000,
            () -> scp.output().contains("Association Aborted"));

        assertTrue(scp.isAlive(), "storescp survives the abort");
        final Dcmtk.Run after = DCMTK.run("echoscu", "-v", HOST, String.valueOf(port));
        assertEquals(0, after.exitCode(), "DCMTK echoscu after our abort");
        assertTrue(after.output().contains("Received Echo Response (Success)"), "echo after the abort");
    }

    // ---------------------------------------------------------------- 7: association limit

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void maxAssociationsRejectsDcmtkUntilReleased() throws IOException
    {
        final int port = startOurScp(ourScp().maxAssociations(1));
        final ApplicationEntity client = ApplicationEntity.named("OURSCU").dimseTimeoutMs(5_000).build();

        try (ClientAssociation held = client.connect(HOST, port, OUR_AE, ContextRequest.of(Verification.SOP_CLASS)))
        {
            assertEquals(0, held.echo(), "echo on the held association");
            Dcmtk.awaitTrue("our server to count the held association", 5_000,
                () -> server.openAssociations() == 1);

            final Dcmtk.Run rejected = DCMTK.run("echoscu", "-v", HOST, String.valueOf(port));
            assertNotEquals(0, rejected.exitCode(), "echoscu exit code over the limit");
            final String output = rejected.output();
            assertTrue(output.contains("Association Rejected"), "echoscu: rejected");
            assertTrue(output.contains("Rejected Transient"), "echoscu: transient rejection");
            assertTrue(output.contains("Local Limit Exceeded"), "echoscu: reason");

            assertEquals(0, held.echo(), "the held association is unaffected");
            held.release();
        }
        Dcmtk.awaitTrue("our server to free the slot", 5_000, () -> server.openAssociations() == 0);

        final Dcmtk.Run accepted = DCMTK.run("echoscu", "-v", HOST, String.valueOf(port));
        assertEquals(0, accepted.exitCode(), "echoscu exit code after the release");
        assertTrue(accepted.output().contains("Received Echo Response (Success)"), "echo after the release");
    }

    // ---------------------------------------------------------------- helpers

    /** The result of one of our tools run in-process. */
    private record Ours(int exitCode, String out, String err)
    {
    }

    /** Runs one of our CLI tools in-process, capturing (and still printing) its stdout and stderr. */
    private static Ours ours(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream originalOut = System.out;
        final PrintStream originalErr = System.err;
        final int code;
        synchronized (EchoInteropTest.class)
        {
            System.setOut(new PrintStream(new OurTool.Tee(originalOut, out), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new OurTool.Tee(originalErr, err), true, StandardCharsets.UTF_8));
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
        final Ours result = new Ours(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        DCMTK.note("dimse4j " + String.join(" ", args) + " (exit " + code + ")",
            "stdout:\n" + result.out + "stderr:\n" + result.err);
        return result;
    }

    private static int count(final String text, final String what)
    {
        final Matcher matcher = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (matcher.find())
        {
            n++;
        }
        return n;
    }

    private static String section(final String text, final String begin, final String end)
    {
        final int from = text.indexOf(begin);
        final int to = from < 0 ? -1 : text.indexOf(end, from);
        assertTrue(from >= 0 && to > from, "no section '" + begin + "' in:\n" + text);
        return text.substring(from, to);
    }
}
