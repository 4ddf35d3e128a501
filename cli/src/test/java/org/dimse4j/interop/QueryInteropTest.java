package org.dimse4j.interop;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.SyntheticInstance;
import org.dimse4j.data.Tag;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.Status;
import org.dimse4j.service.Verification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * C-FIND interoperability with DCMTK 3.6: DCMTK's findscu against our qrscp (instances stored into it by DCMTK's
 * storescu), and our findscu against DCMTK's dcmqrscp (instances stored into it by DCMTK's storescu); a C-CANCEL
 * during a long C-FIND both ways (DCMTK's {@code findscu --cancel} against our qrscp, our SCU against dcmqrscp).
 * Loopback only.
 * <p>
 * The archive: 20 instances, 2 patients, 3 studies, 4 series:
 * <pre>
 *   DOE^JOHN  P1  study A 20240110  series A1 CT x4, series A2 MR x4
 *                 study B 20240220  series B1 CT x4
 *   ROE^JANE  P2  study C 20230505  series C1 US x8
 * </pre>
 */
@Timeout(120)
final class QueryInteropTest
{
    private static final String HOST = "127.0.0.1";
    private static final String ROOT = "1.2.826.0.1.3680043.9.7777.42.";
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String STUDY_A = ROOT + "1";
    private static final String STUDY_B = ROOT + "2";
    private static final String STUDY_C = ROOT + "3";
    private static final String SERIES_A1 = STUDY_A + ".1";
    private static final String SERIES_A2 = STUDY_A + ".2";
    private static final String SERIES_B1 = STUDY_B + ".1";
    private static final String SERIES_C1 = STUDY_C + ".1";

    @RegisterExtension
    static final Dcmtk DCMTK = new Dcmtk();

    @TempDir
    static Path shared;

    static final List<Path> FILES = new ArrayList<>();

    @TempDir
    Path temp;

    @BeforeAll
    static void makeInstances() throws IOException
    {
        final Path dir = Files.createDirectories(shared.resolve("instances"));
        add(dir, "DOE^JOHN", "P1", "19700101", "M", STUDY_A, "20240110", "ACC1", SERIES_A1, "CT", 4);
        add(dir, "DOE^JOHN", "P1", "19700101", "M", STUDY_A, "20240110", "ACC1", SERIES_A2, "MR", 4);
        add(dir, "DOE^JOHN", "P1", "19700101", "M", STUDY_B, "20240220", "ACC2", SERIES_B1, "CT", 4);
        add(dir, "ROE^JANE", "P2", "19800202", "F", STUDY_C, "20230505", "ACC3", SERIES_C1, "US", 8);
    }

    private static void add(final Path dir, final String name, final String id, final String birth, final String sex,
        final String study, final String date, final String accession, final String series, final String modality,
        final int count) throws IOException
    {
        for (int i = 1; i <= count; i++)
        {
            final String sop = series + "." + i;
            final DataSet extra = new DataSet()
                .putString(Tag.PATIENT_NAME, name).putString(Tag.PATIENT_ID, id)
                .putString(Tag.PATIENT_BIRTH_DATE, birth).putString(Tag.PATIENT_SEX, sex)
                .putString(Tag.STUDY_DATE, date).putString(Tag.STUDY_TIME, "101010")
                .putString(Tag.ACCESSION_NUMBER, accession).putString(Tag.STUDY_ID, accession)
                .putString(Tag.REFERRING_PHYSICIAN_NAME, "WHO^DOCTOR").putString(Tag.STUDY_DESCRIPTION, "STUDY " + date)
                .putString(Tag.MODALITY, modality).putString(Tag.SERIES_NUMBER, series.substring(series.length() - 1))
                .putString(Tag.INSTANCE_NUMBER, Integer.toString(i));
            final Path file = dir.resolve(sop + ".dcm");
            SyntheticInstance.write(file, CT, sop, study, series, 128, extra);
            FILES.add(file);
        }
    }

    private static String[] storescuArgs(final String calledAe, final int port)
    {
        final List<String> args = new ArrayList<>(List.of("-aec", calledAe, HOST, Integer.toString(port)));
        FILES.forEach(f -> args.add(f.toString()));
        return args.toArray(String[]::new);
    }

    /** Runs DCMTK's findscu with -X into a fresh directory and reads the response files. */
    private List<DataSet> dcmtkFind(final int port, final String... args) throws IOException
    {
        final Path out = Files.createTempDirectory(temp, "rsp");
        final List<String> all = new ArrayList<>(List.of("-aec", "QRSCP", "-X", "-od", out.toString()));
        all.addAll(List.of(args));
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

    private static Set<String> values(final List<DataSet> responses, final int tag)
    {
        return responses.stream().map(d -> d.string(tag)).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void dcmtkFindscuAgainstOurQrscp() throws IOException
    {
        final Path archive = temp.resolve("archive");
        final int port = Dcmtk.freePort();
        try (OurTool.Server server = OurTool.Server.start(port, "qrscp", "-aet", "QRSCP", "-od", archive.toString(),
            Integer.toString(port)))
        {
            assertEquals(0, DCMTK.run("storescu", storescuArgs("QRSCP", port)).exitCode());
            assertTrue(server.isAlive());

            // Study Root, STUDY level, wild card on the patient name
            List<DataSet> rsp = dcmtkFind(port, "-S", "-k", "0008,0052=STUDY", "-k", "PatientName=DOE*",
                "-k", "StudyInstanceUID", "-k", "ModalitiesInStudy", "-k", "NumberOfStudyRelatedInstances");
            assertEquals(Set.of(STUDY_A, STUDY_B), values(rsp, Tag.STUDY_INSTANCE_UID));
            final DataSet a = rsp.stream().filter(d -> STUDY_A.equals(d.string(Tag.STUDY_INSTANCE_UID))).findFirst()
                .orElseThrow();
            assertEquals("CT\\MR", String.join("\\", a.strings(Tag.MODALITIES_IN_STUDY)));
            assertEquals("8", a.string(Tag.NUMBER_OF_STUDY_RELATED_INSTANCES));
            assertEquals("QRSCP", a.string(Tag.RETRIEVE_AE_TITLE));

            // date range
            rsp = dcmtkFind(port, "-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyDate=20240201-20241231",
                "-k", "StudyInstanceUID");
            assertEquals(Set.of(STUDY_B), values(rsp, Tag.STUDY_INSTANCE_UID));

            // SERIES level within a study
            rsp = dcmtkFind(port, "-S", "-k", "QueryRetrieveLevel=SERIES", "-k", "StudyInstanceUID=" + STUDY_A,
                "-k", "SeriesInstanceUID", "-k", "Modality", "-k", "NumberOfSeriesRelatedInstances");
            assertEquals(Set.of(SERIES_A1, SERIES_A2), values(rsp, Tag.SERIES_INSTANCE_UID));
            assertEquals(Set.of("CT", "MR"), values(rsp, Tag.MODALITY));

            // IMAGE level
            rsp = dcmtkFind(port, "-S", "-k", "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + STUDY_C,
                "-k", "SeriesInstanceUID=" + SERIES_C1, "-k", "SOPInstanceUID", "-k", "InstanceNumber=3");
            assertEquals(Set.of(SERIES_C1 + ".3"), values(rsp, Tag.SOP_INSTANCE_UID));

            // Patient Root, PATIENT level
            rsp = dcmtkFind(port, "-P", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID", "-k", "PatientName",
                "-k", "NumberOfPatientRelatedStudies");
            assertEquals(Set.of("P1", "P2"), values(rsp, Tag.PATIENT_ID));
            assertEquals(Set.of("1", "2"), values(rsp, Tag.NUMBER_OF_PATIENT_RELATED_STUDIES));

            // Patient Root, STUDY level under a patient
            rsp = dcmtkFind(port, "-P", "-k", "QueryRetrieveLevel=STUDY", "-k", "PatientID=P2",
                "-k", "StudyInstanceUID");
            assertEquals(Set.of(STUDY_C), values(rsp, Tag.STUDY_INSTANCE_UID));

            // and our own findscu against our qrscp
            final OurTool.Result ours = OurTool.run(DCMTK, "findscu", "-aec", "QRSCP", "-k", "QueryRetrieveLevel=STUDY",
                "-k", "PatientName=ROE*", "-k", "StudyInstanceUID", HOST, Integer.toString(port));
            assertEquals(0, ours.exitCode());
            assertEquals(Set.of(STUDY_C), uidsPrinted(ours.out(), "0020,000d"));
            assertTrue(ours.out().contains("1 matches, status 0x0000"), ours.out());
        }
    }

    private static Set<String> uidsPrinted(final String out, final String tag)
    {
        final Matcher m = Pattern.compile("\\(" + tag + "\\) UI \\[([^\\]]*)\\]", Pattern.CASE_INSENSITIVE)
            .matcher(out);
        final Set<String> uids = new TreeSet<>();
        while (m.find())
        {
            uids.add(m.group(1));
        }
        return uids;
    }

    @Test
    void ourFindscuAgainstDcmqrscp() throws IOException
    {
        final int port = Dcmtk.freePort();
        final Dcmtk.Run scp = DCMTK.startDcmqrscp(temp, port);
        assertEquals(0, DCMTK.run("storescu", storescuArgs("DCMQRSCP", port)).exitCode());

        OurTool.Result r = OurTool.run(DCMTK, "findscu", "-S", "-aec", "DCMQRSCP", "-k", "QueryRetrieveLevel=STUDY",
            "-k", "PatientName=DOE*", "-k", "StudyInstanceUID", HOST, Integer.toString(port));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Set.of(STUDY_A, STUDY_B), uidsPrinted(r.out(), "0020,000d"));
        assertTrue(r.out().contains("2 matches, status 0x0000"), r.out());

        r = OurTool.run(DCMTK, "findscu", "-S", "-aec", "DCMQRSCP", "-k", "QueryRetrieveLevel=SERIES",
            "-k", "StudyInstanceUID=" + STUDY_A, "-k", "SeriesInstanceUID", "-k", "Modality", HOST,
            Integer.toString(port));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Set.of(SERIES_A1, SERIES_A2), uidsPrinted(r.out(), "0020,000e"));

        r = OurTool.run(DCMTK, "findscu", "-P", "-aec", "DCMQRSCP", "-k", "QueryRetrieveLevel=PATIENT",
            "-k", "PatientID", "-k", "PatientName", HOST, Integer.toString(port));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("2 matches, status 0x0000"), r.out());

        r = OurTool.run(DCMTK, "findscu", "-S", "-aec", "DCMQRSCP", "-k", "QueryRetrieveLevel=STUDY",
            "-k", "StudyDate=20240201-20241231", "-k", "StudyInstanceUID", HOST, Integer.toString(port));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Set.of(STUDY_B), uidsPrinted(r.out(), "0020,000d"));
        scp.destroy();
    }

    /** Writes {@code count} single-instance studies {@code root.1} ... {@code root.count} straight into a directory. */
    private static void writeStudies(final Path dir, final String root, final int count) throws IOException
    {
        Files.createDirectories(dir);
        for (int i = 1; i <= count; i++)
        {
            final String study = root + "." + i;
            SyntheticInstance.write(dir.resolve(i + ".dcm"), CT, study + ".1.1", study, study + ".1", 16,
                new DataSet().putString(Tag.PATIENT_NAME, "MANY^STUDIES").putString(Tag.PATIENT_ID, "PMANY"));
        }
    }

    @Test
    void dcmtkFindscuCancelsALongFindOfOurQrscp() throws IOException
    {
        // DCMTK's C-CANCEL-RQ, sent on the first Pending response, must land before the last one. Responses (about
        // 200 bytes each) go out as fast as TCP takes them, so on a loaded machine all could sit in socket buffers
        // before findscu reads the first: findscu's buffers are made small (4 KiB, TCP_BUFFER_LENGTH). Still our SCP
        // reads the socket only while its send buffer is at most half full, so while findscu reads steadily the cancel
        // can wait: it was seen after 128 to 192 responses normally, after up to 1344 when findscu was stopped for 1 s
        // just after cancelling; with 600 a loaded run once sent them all
        final int total = 3000;
        final Path archive = temp.resolve("archive");
        writeStudies(archive, ROOT + "50", total);
        final int port = Dcmtk.freePort();
        try (OurTool.Server server = OurTool.Server.start(port, "qrscp", "-aet", "QRSCP", "-od", archive.toString(),
            Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            final Path out = Files.createDirectories(temp.resolve("cancelled"));
            final Dcmtk.Run run = DCMTK.run(Map.of("TCP_BUFFER_LENGTH", "4096"), "findscu", "-v", "-S", "--cancel",
                "1", "-aec", "QRSCP", "-X", "-od", out.toString(), "-k", "QueryRetrieveLevel=STUDY", "-k",
                "StudyInstanceUID", HOST, Integer.toString(port));
            final String output = run.output();
            assertEquals(0, run.exitCode(), output);
            assertTrue(output.contains("Sending Cancel Request"), output);
            assertTrue(output.contains("Received Final Find Response (Cancel: MatchingTerminatedDueToCancelRequest)"),
                output);
            final long received;
            try (Stream<Path> files = Files.list(out))
            {
                received = files.count();
            }
            assertTrue(received >= 1 && received < total, "matches received " + received + " of " + total);

            // the SCP goes on: the whole list on a new association
            try (ClientAssociation assoc = ApplicationEntity.named("FINDSCU").build().connect(HOST, port, "QRSCP",
                ContextRequest.of(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND)))
            {
                final AtomicInteger all = new AtomicInteger();
                assertEquals(Status.SUCCESS, assoc.find(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND,
                    new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY").putString(Tag.STUDY_INSTANCE_UID, ""),
                    match -> all.incrementAndGet()));
                assertEquals(total, all.get());
            }
        }
    }

    @Test
    void ourScuCancelsALongFindOfDcmqrscp() throws IOException
    {
        // one series of many instances, queried at IMAGE level (dcmqrscp's storage area keeps at most 200 studies);
        // dcmqrscp runs with its debug log, which slows its responses to a few per millisecond: without it, all 400
        // can be out before our C-CANCEL-RQ arrives on a loaded machine
        final int total = 400;
        final Path instances = Files.createDirectories(temp.resolve("instances"));
        final String study = ROOT + "51";
        for (int i = 1; i <= total; i++)
        {
            SyntheticInstance.write(instances.resolve(i + ".dcm"), CT, study + ".1." + i, study, study + ".1", 16);
        }
        final int port = Dcmtk.freePort();
        final Dcmtk.Run scp = DCMTK.startDcmqrscp(temp, port, Map.of(), "-d");
        assertEquals(0, DCMTK.run("storescu", "-aec", "DCMQRSCP", "+sd", HOST, Integer.toString(port),
            instances.toString()).exitCode());
        final DataSet keys = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "IMAGE")
            .putString(Tag.STUDY_INSTANCE_UID, study).putString(Tag.SERIES_INSTANCE_UID, study + ".1")
            .putString(Tag.SOP_INSTANCE_UID, "");
        try (ClientAssociation assoc = ApplicationEntity.named("FINDSCU").dimseTimeoutMs(30_000).build()
            .connect(HOST, port, "DCMQRSCP", ContextRequest.of(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND),
                ContextRequest.of(Verification.SOP_CLASS)))
        {
            // the whole list first (which also warms up our side)
            final AtomicInteger all = new AtomicInteger();
            assertEquals(Status.SUCCESS, assoc.find(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND, keys,
                match -> all.incrementAndGet()));
            assertEquals(total, all.get());

            // then cancelled on its first match
            final AtomicInteger matches = new AtomicInteger();
            final int status = assoc.find(Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND, keys, match ->
            {
                assertTrue(match.string(Tag.SOP_INSTANCE_UID).startsWith(study + ".1."), match.toString());
                if (matches.incrementAndGet() == 1)
                {
                    try
                    {
                        assoc.cancel(assoc.findMessageId());
                    }
                    catch (final IOException ex)
                    {
                        throw new UncheckedIOException(ex);
                    }
                }
            });
            assertEquals(Status.CANCEL, status, Status.describe(status) + " after " + matches.get() + " matches");
            assertTrue(matches.get() >= 1 && matches.get() < total, "matches " + matches.get() + " of " + total);
            assertTrue(scp.output().contains("[status: Cancel: MatchingTerminatedDueToCancelRequest]"),
                "dcmqrscp logs the cancel");
            assertEquals(Status.SUCCESS, assoc.echo(), "the association goes on");
        }
    }
}
