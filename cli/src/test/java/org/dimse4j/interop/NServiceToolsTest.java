package org.dimse4j.interop;

import org.dimse4j.ae.MppsService;
import org.dimse4j.data.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our mppsscu and stgcmtscu against our qrscp ({@code --mpps}, Storage Commitment over its archive, {@code
 * --ae-table}), run as the command line runs them. DCMTK 3.6.7 has no MPPS or Storage Commitment tool, so both
 * sides are ours; the command sets are checked against dcmdump in core's NCommandsTest.
 */
@Timeout(120)
class NServiceToolsTest
{
    private static final String HOST = "127.0.0.1";
    static final Dcmtk dcmtk = new Dcmtk();

    @TempDir
    Path dir;

    private static List<String> files(final Path directory) throws Exception
    {
        try (Stream<Path> walk = Files.walk(directory))
        {
            return walk.filter(MoveInteropTest::isInstanceFile).map(Path::toString).sorted().toList();
        }
    }

    @Test
    void shouldCommitArchivedInstancesAndKeepMppsSteps() throws Exception
    {
        final Path archive = dir.resolve("archive");
        final Path elsewhere = dir.resolve("elsewhere");
        final Path mpps = dir.resolve("mpps");
        final Path aeTable = dir.resolve("aes.txt");
        assertEquals(0, OurTool.run(dcmtk, "mkinstances", "-n", "3", "-od", archive.toString()).exitCode());
        assertEquals(0, OurTool.run(dcmtk, "mkinstances", "-n", "1", "-od", elsewhere.toString()).exitCode());
        final int port = Dcmtk.freePort();
        final int listenPort = Dcmtk.freePort();
        Files.writeString(aeTable, "# peers\nSTGCMTSCU 127.0.0.1 " + listenPort + "\n");
        try (OurTool.Server server = OurTool.Server.start(port, "qrscp", "-aet", "QRSCP", "-od", archive.toString(),
            "--mpps", mpps.toString(), "--ae-table", aeTable.toString(), Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            final List<String> archived = files(archive);
            final List<String> args = new java.util.ArrayList<>(List.of("stgcmtscu", "-aec", "QRSCP", HOST,
                Integer.toString(port)));
            args.addAll(archived);
            OurTool.Result r = OurTool.run(dcmtk, args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("3 committed, 0 failed (event type 1, retrieve AE QRSCP)"), r.out());

            args.add(files(elsewhere).get(0));
            r = OurTool.run(dcmtk, args.toArray(String[]::new));
            assertEquals(1, r.exitCode(), "one instance is not in the archive");
            assertTrue(r.out().contains("3 committed, 1 failed (event type 2"), r.out());
            assertTrue(r.out().contains("reason 0x0112"), r.out());

            r = OurTool.run(dcmtk, "stgcmtscu", "-aet", "STGCMTSCU", "--port", Integer.toString(listenPort),
                "-aec", "QRSCP", HOST, Integer.toString(port), archive.toString());
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("3 committed, 0 failed"), r.out());

            r = OurTool.run(dcmtk, "mppsscu", "-aec", "QRSCP", "-k", "PatientName=DOE^JOHN", "-k", "PatientID=P1",
                "-s", "PerformedSeriesSequence[0].SeriesInstanceUID=1.2.3.4", HOST, Integer.toString(port));
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("N-SET COMPLETED"), r.out());
            r = OurTool.run(dcmtk, "mppsscu", "--discontinue", "--uid", "1.2.826.0.1.3680043.2.1125.9.77", "-aec",
                "QRSCP", HOST, Integer.toString(port));
            assertEquals(0, r.exitCode(), r.err());
            r = OurTool.run(dcmtk, "mppsscu", "--uid", "1.2.826.0.1.3680043.2.1125.9.77", "-aec", "QRSCP", HOST,
                Integer.toString(port));
            assertEquals(1, r.exitCode(), "the same step twice is a duplicate");
            assertTrue(r.err().contains("N-CREATE failed: 0x0111"), r.err());
        }
        final MppsService steps = MppsService.inDirectory(mpps);
        assertEquals(2, steps.instanceUids().size());
        assertEquals(MppsService.DISCONTINUED, steps.instance("1.2.826.0.1.3680043.2.1125.9.77")
            .string(Tag.PERFORMED_PROCEDURE_STEP_STATUS));
        final String other = steps.instanceUids().stream().filter(u -> !u.endsWith(".9.77")).findFirst().orElseThrow();
        assertEquals("DOE^JOHN", steps.instance(other).string(Tag.PATIENT_NAME));
        assertEquals(MppsService.COMPLETED, steps.instance(other).string(Tag.PERFORMED_PROCEDURE_STEP_STATUS));
        assertEquals("1.2.3.4", steps.instance(other).sequence(Tag.PERFORMED_SERIES_SEQUENCE).get(0)
            .string(Tag.SERIES_INSTANCE_UID));
    }
}
