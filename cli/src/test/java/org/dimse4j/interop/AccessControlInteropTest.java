package org.dimse4j.interop;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.data.SyntheticInstance;
import org.dimse4j.service.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Access control of our SCP tools as DCMTK sees it: {@code --allowed-callers} per called AE title (and
 * {@code --allowed-callers-file}) with {@code --require-called-aet}, {@code --users} (DCMTK storescu's
 * {@code -usr}/{@code -pwd} User Identity)
 * and {@code --max-per-caller}. DCMTK prints the A-ASSOCIATE-RJ's result and reason, which the tests check.
 */
final class AccessControlInteropTest
{
    private static final String HOST = "127.0.0.1";
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    @RegisterExtension
    static final Dcmtk DCMTK = new Dcmtk();

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void allowedCallersPerCalledAeTitle() throws Exception
    {
        final Path callers = temp.resolve("callers.txt");
        Files.writeString(callers, "# research PACS\nRESEARCH=MR1, MR2\n");
        final int port = Dcmtk.freePort();
        try (OurTool.Server scp = OurTool.Server.start(port, "echoscp", "-aet", "ARCHIVE", "--require-called-aet",
            "--allowed-callers", "ARCHIVE=CT1", "--allowed-callers-file", callers.toString(), String.valueOf(port)))
        {
            assertAccepted(DCMTK.run("echoscu", "-v", "-aet", "CT1", "-aec", "ARCHIVE", HOST, String.valueOf(port)));
            assertAccepted(DCMTK.run("echoscu", "-v", "-aet", "MR2", "-aec", "RESEARCH", HOST, String.valueOf(port)));

            final Dcmtk.Run wrongCaller = DCMTK.run("echoscu", "-v", "-aet", "MR1", "-aec", "ARCHIVE", HOST,
                String.valueOf(port));
            assertRejected(wrongCaller, "Rejected Permanent", "Calling AE Title Not Recognized");
            final Dcmtk.Run otherCaller = DCMTK.run("echoscu", "-v", "-aet", "CT1", "-aec", "RESEARCH", HOST,
                String.valueOf(port));
            assertRejected(otherCaller, "Rejected Permanent", "Calling AE Title Not Recognized");
            final Dcmtk.Run wrongCalled = DCMTK.run("echoscu", "-v", "-aet", "CT1", "-aec", "NOBODY", HOST,
                String.valueOf(port));
            assertRejected(wrongCalled, "Rejected Permanent", "Called AE Title Not Recognized");

            assertAccepted(DCMTK.run("echoscu", "-v", "-aet", "CT1", "-aec", "ARCHIVE", HOST, String.valueOf(port)));
            assertTrue(scp.isAlive());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void usernameAndPasswordFromDcmtkStorescu() throws Exception
    {
        final Path users = temp.resolve("users.txt");
        Files.writeString(users, "# user:password\nalice:s3cret\nbob:pa:ss\n");
        final Path archive = temp.resolve("archive");
        final Path file = temp.resolve("ct.dcm");
        SyntheticInstance.write(file, CT, "1.2.826.0.1.3680043.2.1125.7.1", "1.2.3.4", "1.2.3.4.5", 1024);
        final int port = Dcmtk.freePort();
        try (OurTool.Server scp = OurTool.Server.start(port, "storescp", "--users", users.toString(), "-od",
            archive.toString(), String.valueOf(port)))
        {
            final Dcmtk.Run wrong = DCMTK.run("storescu", "-v", "-usr", "alice", "-pwd", "guess", HOST,
                String.valueOf(port), file.toString());
            assertRejected(wrong, "Rejected Permanent", "No Reason");
            final Dcmtk.Run none = DCMTK.run("storescu", "-v", HOST, String.valueOf(port), file.toString());
            assertRejected(none, "Rejected Permanent", "No Reason");
            assertFalse(Files.exists(archive.resolve("1.2.826.0.1.3680043.2.1125.7.1.dcm")), "nothing stored yet");

            final Dcmtk.Run right = DCMTK.run("storescu", "-v", "-usr", "bob", "-pwd", "pa:ss", HOST,
                String.valueOf(port), file.toString());
            assertEquals(0, right.exitCode(), "storescu with a known user and password");
            assertTrue(right.output().contains("Received Store Response (Success)"), "stored");
            assertTrue(Files.isRegularFile(archive.resolve("1.2.826.0.1.3680043.2.1125.7.1.dcm")));
            assertTrue(scp.isAlive());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void maxPerCallerRejectsDcmtkTransiently() throws Exception
    {
        final int port = Dcmtk.freePort();
        try (OurTool.Server scp = OurTool.Server.start(port, "echoscp", "--max-per-caller", "1",
            String.valueOf(port));
            ClientAssociation held = ApplicationEntity.named("MODALITY").dimseTimeoutMs(5_000).build()
                .connect(HOST, port, "ANY-SCP", ContextRequest.of(Verification.SOP_CLASS)))
        {
            assertEquals(0, held.echo());
            final Dcmtk.Run second = DCMTK.run("echoscu", "-v", "-aet", "MODALITY", HOST, String.valueOf(port));
            assertRejected(second, "Rejected Transient", "Local Limit Exceeded");
            assertAccepted(DCMTK.run("echoscu", "-v", "-aet", "OTHER", HOST, String.valueOf(port)));
            assertEquals(0, held.echo(), "the held association is unaffected");
            held.release();
            Dcmtk.awaitTrue("the held association to end", 5_000, () -> held.association().isClosed());
            // the server frees the place once its side has closed too: retry briefly
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Dcmtk.Run again;
            do
            {
                again = DCMTK.run("echoscu", "-v", "-aet", "MODALITY", HOST, String.valueOf(port));
            }
            while (again.exitCode() != 0 && System.nanoTime() < deadline);
            assertAccepted(again);
            assertTrue(scp.isAlive());
        }
    }

    private static void assertAccepted(final Dcmtk.Run run)
    {
        assertEquals(0, run.exitCode(), "DCMTK exit code");
        assertTrue(run.output().contains("Received Echo Response (Success)"), "echo succeeded");
    }

    private static void assertRejected(final Dcmtk.Run run, final String result, final String reason)
    {
        assertNotEquals(0, run.exitCode(), "DCMTK exit code when rejected");
        final String output = run.output();
        assertTrue(output.contains("Association Rejected"), "rejected");
        assertTrue(output.contains(result), "result " + result);
        assertTrue(output.contains(reason), "reason " + reason);
    }
}
