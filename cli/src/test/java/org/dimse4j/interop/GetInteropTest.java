package org.dimse4j.interop;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.SyntheticInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * C-GET interoperability with DCMTK 3.6: DCMTK's getscu against our qrscp (the SOP instances of one study arrive as
 * C-STORE sub-operations on the same association, with the data sets stored), our getscu against our qrscp, and
 * our getscu against DCMTK's dcmqrscp (instances stored into it by DCMTK's storescu). Loopback only.
 */
@Timeout(60)
final class GetInteropTest
{
    private static final String HOST = "127.0.0.1";
    private static final String ROOT = "1.2.826.0.1.3680043.9.7777.43.";
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String MR = "1.2.840.10008.5.1.4.1.1.4";
    static final String STUDY_A = ROOT + "1";
    static final String STUDY_B = ROOT + "2";

    @RegisterExtension
    static final Dcmtk dcmtk = new Dcmtk();

    @TempDir
    Path temp;

    /** Writes study A (CT x3 + MR x2, one of them 600 kB) and study B (CT x2) into the archive. */
    static void archive(final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        for (int i = 1; i <= 3; i++)
        {
            SyntheticInstance.write(dir.resolve("a1-" + i + ".dcm"), CT, STUDY_A + ".1." + i, STUDY_A, STUDY_A + ".1",
                i == 1 ? 600_000 : 2048);
        }
        for (int i = 1; i <= 2; i++)
        {
            SyntheticInstance.write(dir.resolve("a2-" + i + ".dcm"), MR, STUDY_A + ".2." + i, STUDY_A, STUDY_A + ".2",
                1024);
            SyntheticInstance.write(dir.resolve("b1-" + i + ".dcm"), CT, STUDY_B + ".1." + i, STUDY_B, STUDY_B + ".1",
                1024);
        }
    }

    /** @return the data sets of the Part 10 files in a directory tree, by SOP Instance UID. */
    static Map<String, DataSet> dataSets(final Path dir) throws IOException
    {
        final Map<String, DataSet> sets = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : files.filter(MoveInteropTest::isInstanceFile).collect(Collectors.toList()))
            {
                final Part10Info info = Part10Reader.read(file);
                final byte[] bytes = Files.readAllBytes(file);
                sets.put(info.mediaStorageSopInstanceUid(), DataSet.read(new UnsafeBuffer(bytes), info.dataSetOffset(),
                    bytes.length - info.dataSetOffset(), info.encoding()));
            }
        }
        return sets;
    }

    @Test
    void dcmtkGetscuAgainstOurQrscp() throws IOException
    {
        final Path archive = temp.resolve("archive");
        archive(archive);
        final Map<String, DataSet> stored = dataSets(archive);
        final Map<String, DataSet> studyA = new TreeMap<>(stored);
        studyA.keySet().removeIf(uid -> !uid.startsWith(STUDY_A + "."));
        assertEquals(5, studyA.size());
        final int port = Dcmtk.freePort();
        try (OurTool.Server server = OurTool.Server.start(port, "qrscp", "-aet", "QRSCP", "-od", archive.toString(),
            Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            final Path out = Files.createDirectories(temp.resolve("dcmtk-out"));
            final Dcmtk.Run run = dcmtk.run("getscu", "-aec", "QRSCP", "-S", "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=" + STUDY_A, "-od", out.toString(), HOST, Integer.toString(port));
            assertEquals(0, run.exitCode(), run.output());
            final Map<String, DataSet> received = dataSets(out);
            assertEquals(studyA.keySet(), received.keySet(), run.output());
            for (final Map.Entry<String, DataSet> e : studyA.entrySet())
            {
                assertEquals(e.getValue(), received.get(e.getKey()), e.getKey());
            }

            // SERIES level
            final Path series = Files.createDirectories(temp.resolve("dcmtk-series"));
            final Dcmtk.Run run2 = dcmtk.run("getscu", "-aec", "QRSCP", "-S", "-k", "QueryRetrieveLevel=SERIES",
                "-k", "StudyInstanceUID=" + STUDY_A, "-k", "SeriesInstanceUID=" + STUDY_A + ".2",
                "-od", series.toString(), HOST, Integer.toString(port));
            assertEquals(0, run2.exitCode(), run2.output());
            assertEquals(List.of(STUDY_A + ".2.1", STUDY_A + ".2.2"), List.copyOf(dataSets(series).keySet()));

            // and our own getscu against our qrscp
            final Path ours = temp.resolve("ours");
            final OurTool.Result result = OurTool.run(dcmtk, "getscu", "-aec", "QRSCP", "-k",
                "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY_B, "-od", ours.toString(), HOST,
                Integer.toString(port));
            assertEquals(0, result.exitCode(), result.err());
            assertTrue(result.out().contains("2 received; completed 2, failed 0, warning 0; status 0x0000"),
                result.out());
            final Map<String, DataSet> oursReceived = dataSets(ours);
            assertEquals(2, oursReceived.size());
            for (final Map.Entry<String, DataSet> e : oursReceived.entrySet())
            {
                assertEquals(stored.get(e.getKey()), e.getValue(), e.getKey());
            }
        }
    }

    @Test
    void ourGetscuAgainstDcmqrscp() throws IOException
    {
        final Path instances = temp.resolve("instances");
        archive(instances);
        final Map<String, DataSet> stored = dataSets(instances);
        final int port = Dcmtk.freePort();
        final Dcmtk.Run scp = dcmtk.startDcmqrscp(temp, port);
        final List<String> storescu = new java.util.ArrayList<>(List.of("-aec", "DCMQRSCP", HOST,
            Integer.toString(port)));
        try (Stream<Path> files = Files.list(instances))
        {
            files.sorted().forEach(f -> storescu.add(f.toString()));
        }
        assertEquals(0, dcmtk.run("storescu", storescu.toArray(String[]::new)).exitCode());

        final Path out = temp.resolve("from-dcmqrscp");
        final OurTool.Result result = OurTool.run(dcmtk, "getscu", "-S", "-aec", "DCMQRSCP", "-k",
            "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY_A, "-od", out.toString(), HOST,
            Integer.toString(port));
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("5 received; completed 5, failed 0, warning 0; status 0x0000"),
            result.out());
        final Map<String, DataSet> received = dataSets(out);
        assertEquals(5, received.size());
        for (final Map.Entry<String, DataSet> e : received.entrySet())
        {
            assertEquals(stored.get(e.getKey()), e.getValue(), e.getKey());
        }
        scp.destroy();
    }
}
