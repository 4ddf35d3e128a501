package org.dimse4j.interop;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.Tag;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Modality Worklist C-FIND interoperability with DCMTK 3.6: DCMTK's {@code findscu -W} against our wlmscp, and our
 * {@code findscu -W} against DCMTK's wlmscpfs. The worklist items are made by DCMTK's dump2dcm from dump text, as
 * wlmscpfs users make them. Loopback only.
 * <pre>
 *   DOE^JOHN     P1  CT  CTSCANNER  20261124 0900
 *   DOE^JANE     P2  MR  MRSCANNER  20261125 1000
 *   ROE^RICHARD  P3  CT  CTSCANNER  20261126 1100
 * </pre>
 */
@Timeout(120)
final class WorklistInteropTest
{
    private static final String HOST = "127.0.0.1";
    /** Where DCMTK's example worklist (wlistdb/OFFIS/*.dump) may lie, below an installation's data directory. */
    private static final Path OFFIS_EXAMPLES = Path.of("wlistdb", "OFFIS");

    @RegisterExtension
    static final Dcmtk DCMTK = new Dcmtk();

    @TempDir
    Path temp;

    private static String dump(final String name, final String id, final String accession, final String modality,
        final String station, final String date, final String time)
    {
        return String.join("\n",
            "(0008,0005) CS [ISO_IR 100]",
            "(0008,0050) SH [" + accession + "]",
            "(0010,0010) PN [" + name + "]",
            "(0010,0020) LO [" + id + "]",
            "(0010,0030) DA [19700101]",
            "(0010,0040) CS [O]",
            "(0020,000d) UI [1.2.826.0.1.3680043.9.7777.77." + id.substring(1) + "]",
            "(0032,1060) LO [" + modality + " EXAM]",
            "(0040,0100) SQ (Sequence with undefined length)",
            "  (fffe,e000) na (Item with undefined length)",
            "    (0008,0060) CS [" + modality + "]",
            "    (0040,0001) AE [" + station + "]",
            "    (0040,0002) DA [" + date + "]",
            "    (0040,0003) TM [" + time + "]",
            "    (0040,0006) PN [HOUSE^GREGORY]",
            "    (0040,0007) LO [" + modality + " STEP]",
            "    (0040,0009) SH [SPS" + id + "]",
            "  (fffe,e00d) na (ItemDelimitationItem)",
            "(fffe,e0dd) na (SequenceDelimitationItem)",
            "(0040,1001) SH [RP" + id + "]",
            "");
    }

    /** Writes the three items with dump2dcm into {@code dir}. */
    private void makeWorklist(final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        final String[][] items = {
            {"DOE^JOHN", "P1", "A1", "CT", "CTSCANNER", "20261124", "0900"},
            {"DOE^JANE", "P2", "A2", "MR", "MRSCANNER", "20261125", "1000"},
            {"ROE^RICHARD", "P3", "A3", "CT", "CTSCANNER", "20261126", "1100"},
        };
        for (final String[] i : items)
        {
            final Path text = temp.resolve(i[1] + ".dump");
            Files.writeString(text, dump(i[0], i[1], i[2], i[3], i[4], i[5], i[6]));
            final Dcmtk.Run run = DCMTK.run("dump2dcm", text.toString(), dir.resolve(i[1] + ".wl").toString());
            assertEquals(0, run.exitCode(), run.output());
        }
    }

    /** Runs DCMTK's findscu -W with -X into a fresh directory and reads the response files. */
    private List<DataSet> dcmtkFind(final int port, final String... keys) throws IOException
    {
        final Path out = Files.createTempDirectory(temp, "rsp");
        final List<String> all = new ArrayList<>(List.of("-W", "-aec", "WLMSCP", "-X", "-od", out.toString()));
        for (final String key : keys)
        {
            all.add("-k");
            all.add(key);
        }
        all.add(HOST);
        all.add(Integer.toString(port));
        final Dcmtk.Run run = DCMTK.run("findscu", all.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.output());
        final List<DataSet> responses = new ArrayList<>();
        try (Stream<Path> files = Files.list(out))
        {
            for (final Path file : files.sorted().collect(Collectors.toList()))
            {
                final Part10Info info = Part10Reader.read(file);
                final byte[] bytes = Files.readAllBytes(file);
                responses.add(DataSet.read(new UnsafeBuffer(bytes), info.dataSetOffset(),
                    bytes.length - info.dataSetOffset(), info.encoding()));
            }
        }
        return responses;
    }

    private static List<String> names(final List<DataSet> responses)
    {
        return responses.stream().map(d -> d.string(Tag.PATIENT_NAME)).sorted().collect(Collectors.toList());
    }

    private static final String[] RETURN_KEYS = {
        "AccessionNumber", "PatientID", "StudyInstanceUID", "RequestedProcedureID",
        "ScheduledProcedureStepSequence[0].ScheduledStationAETitle",
        "ScheduledProcedureStepSequence[0].ScheduledProcedureStepID",
    };

    private static String[] keys(final String... matching)
    {
        final List<String> all = new ArrayList<>(List.of(matching));
        all.addAll(List.of(RETURN_KEYS));
        return all.toArray(String[]::new);
    }

    @Test
    @SuppressWarnings("try") // the server is only closed
    void dcmtkFindscuAgainstOurWlmscp() throws IOException
    {
        final Path worklist = temp.resolve("worklist");
        makeWorklist(worklist);
        final int port = Dcmtk.freePort();
        try (OurTool.Server server = OurTool.Server.start(port, "wlmscp", "-aet", "WLMSCP", "--worklist",
            worklist.toString(), Integer.toString(port)))
        {
            List<DataSet> rsp = dcmtkFind(port, keys("(0010,0010)=DOE*", "ScheduledProcedureStepSequence[0].Modality=CT"));
            assertEquals(List.of("DOE^JOHN"), names(rsp));
            final DataSet john = rsp.get(0);
            assertEquals("P1", john.string(Tag.PATIENT_ID));
            assertEquals("A1", john.string(Tag.ACCESSION_NUMBER));
            assertEquals("RP" + "P1", john.string(Tag.REQUESTED_PROCEDURE_ID));
            assertNull(john.string(Tag.PATIENT_BIRTH_DATE), "only the requested keys come back");
            final DataSet step = john.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0);
            assertEquals("CT", step.string(Tag.MODALITY));
            assertEquals("CTSCANNER", step.string(Tag.SCHEDULED_STATION_AE_TITLE));
            assertEquals("SPSP1", step.string(Tag.SCHEDULED_PROCEDURE_STEP_ID));
            assertNull(step.string(Tag.SCHEDULED_PERFORMING_PHYSICIAN_NAME), "the sequence is cut to the keys");

            rsp = dcmtkFind(port, keys("PatientName", "ScheduledProcedureStepSequence[0].Modality=CT"));
            assertEquals(List.of("DOE^JOHN", "ROE^RICHARD"), names(rsp));

            rsp = dcmtkFind(port, keys("PatientName",
                "ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=20261125-20261130"));
            assertEquals(List.of("DOE^JANE", "ROE^RICHARD"), names(rsp), "date range inside the sequence");

            rsp = dcmtkFind(port, "PatientName", "ScheduledProcedureStepSequence[0].ScheduledStationAETitle=MRSCANNER",
                "ScheduledProcedureStepSequence[0].Modality");
            assertEquals(List.of("DOE^JANE"), names(rsp));

            rsp = dcmtkFind(port, "PatientName", "(0040,0100)");
            assertEquals(List.of("DOE^JANE", "DOE^JOHN", "ROE^RICHARD"), names(rsp), "universal");
            assertEquals("HOUSE^GREGORY", rsp.get(0).sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0)
                .string(Tag.SCHEDULED_PERFORMING_PHYSICIAN_NAME), "an empty sequence key returns it whole");

            rsp = dcmtkFind(port, keys("PatientName=NOBODY*"));
            assertTrue(rsp.isEmpty());
        }
    }

    @Test
    @SuppressWarnings("try") // the server is only closed
    void dcmtkFindscuAgainstOurWlmscpServingDcmtkExamples() throws IOException
    {
        Dcmtk.tool("dump2dcm");
        final Path examples = offisExamples();
        final Path worklist = Files.createDirectories(temp.resolve("offis"));
        int count = 0;
        try (Stream<Path> dumps = Files.list(examples))
        {
            for (final Path dump : dumps.filter(p -> p.toString().endsWith(".dump")).collect(Collectors.toList()))
            {
                final String name = dump.getFileName().toString().replace(".dump", ".wl");
                assertEquals(0, DCMTK.run("dump2dcm", dump.toString(), worklist.resolve(name).toString()).exitCode());
                count++;
            }
        }
        assertTrue(count > 0, "example items in " + examples);
        Files.writeString(worklist.resolve("lockfile"), "");
        final int port = Dcmtk.freePort();
        try (OurTool.Server server = OurTool.Server.start(port, "wlmscp", "-aet", "WLMSCP", "--worklist",
            worklist.toString(), Integer.toString(port)))
        {
            final List<DataSet> rsp = dcmtkFind(port, "PatientName", "(0040,0100)");
            assertEquals(count, rsp.size(), "every example item");
        }
    }

    /**
     * Finds DCMTK's example worklist: Debian's (and Ubuntu's) package {@code dcmtk} itself installs it under
     * {@code /usr/share/doc/dcmtk/examples}, DCMTK's own {@code make install} under {@code share/dcmtk} of its
     * prefix. Missing, it skips the test, except on CI ({@code CI=true}) where it fails it, as a missing DCMTK tool
     * does.
     *
     * @return the directory holding the {@code .dump} files.
     * @throws IOException if a candidate directory cannot be listed.
     */
    private static Path offisExamples() throws IOException
    {
        final List<Path> candidates = new ArrayList<>();
        final String home = System.getenv("DCMTK_HOME");
        if (home != null && !home.isBlank())
        {
            candidates.add(Path.of(home, "share", "dcmtk").resolve(OFFIS_EXAMPLES));
        }
        candidates.add(Path.of("/usr/share/doc/dcmtk/examples").resolve(OFFIS_EXAMPLES));
        candidates.add(Path.of("/usr/local/share/dcmtk").resolve(OFFIS_EXAMPLES));
        candidates.add(Path.of("/usr/share/dcmtk").resolve(OFFIS_EXAMPLES));
        for (final Path candidate : candidates)
        {
            if (Files.isDirectory(candidate))
            {
                try (Stream<Path> files = Files.list(candidate))
                {
                    if (files.anyMatch(p -> p.toString().endsWith(".dump")))
                    {
                        return candidate;
                    }
                }
            }
        }
        final String message = "DCMTK's example worklist (*.dump) not found in " + candidates;
        if ("true".equals(System.getenv("CI")))
        {
            return fail(message + ": on CI it must be there (apt-get install dcmtk puts it under " +
                "/usr/share/doc/dcmtk/examples, unless dpkg is told to drop /usr/share/doc, as in minimised images)");
        }
        return Assumptions.abort(message + ": skipping");
    }

    @Test
    void ourFindscuAgainstDcmtkWlmscpfs() throws IOException
    {
        final Path root = temp.resolve("wlmscpfs");
        makeWorklist(root.resolve("WLMSCP"));
        Files.writeString(root.resolve("WLMSCP").resolve("lockfile"), "");
        final int port = Dcmtk.freePort();
        final Dcmtk.Run scp = DCMTK.start("wlmscpfs", "-dfp", root.toString(), Integer.toString(port));
        Dcmtk.awaitPort(port, 10_000, scp);

        OurTool.Result r = OurTool.run(DCMTK, "findscu", "-W", "-aec", "WLMSCP", "-k", "PatientName=DOE*",
            "-k", "ScheduledProcedureStepSequence[0].Modality=CT", "-k", "PatientID",
            "-k", "ScheduledProcedureStepSequence[0].ScheduledStationAETitle", HOST, Integer.toString(port));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("1 matches, status 0x0000"), r.out());
        assertTrue(r.out().contains("DOE^JOHN"), r.out());
        assertTrue(r.out().contains("CTSCANNER"), r.out());

        r = OurTool.run(DCMTK, "findscu", "-W", "-aec", "WLMSCP", "-k", "PatientName",
            "-k", "ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=20261125-20261130",
            HOST, Integer.toString(port));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("2 matches, status 0x0000"), r.out());
        assertTrue(r.out().contains("DOE^JANE") && r.out().contains("ROE^RICHARD"), r.out());
        scp.destroy();
    }
}
