package org.dimse4j.ae;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.data.SyntheticInstance;
import org.dimse4j.data.Tag;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.Uid;
import org.dimse4j.data.VR;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.MessageQueue;
import org.dimse4j.dimse.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our C-FIND SCU against our C-FIND SCP over loopback: matches, many responses (more than the send buffer holds),
 * cancel, bad identifiers, keys the index does not support (Pending 0xFF01), sequence keys, Patient Root at every
 * level, and an archive filled by C-STORE found again after a restart.
 */
@Timeout(60)
class FindLoopbackTest
{
    private static final String STUDY_ROOT = Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND;
    private static final String PATIENT_ROOT = Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND;

    private static ArchiveIndex index(final int studies)
    {
        final ArchiveIndex index = new ArchiveIndex();
        for (int i = 0; i < studies; i++)
        {
            index.add(new DataSet()
                .putString(Tag.PATIENT_NAME, i % 2 == 0 ? "DOE^JOHN" : "ROE^JANE")
                .putString(Tag.PATIENT_ID, i % 2 == 0 ? "P1" : "P2")
                .putString(Tag.STUDY_INSTANCE_UID, "1.2.3." + i)
                .putString(Tag.STUDY_DATE, "2024" + String.format("%04d", 101 + (i % 28)))
                .putString(Tag.SERIES_INSTANCE_UID, "1.2.3." + i + ".1")
                .putString(Tag.MODALITY, "CT")
                .putString(Tag.STUDY_DESCRIPTION, "A STUDY DESCRIPTION OF SIXTY-FOUR CHARACTERS, TO MAKE RESPONSES BIG"
                    .substring(0, 64))
                .putString(Tag.SOP_CLASS_UID, "1.2.840.10008.5.1.4.1.1.2")
                .putString(Tag.SOP_INSTANCE_UID, "1.2.3." + i + ".1.1"), null);
        }
        return index;
    }

    private static ClientAssociation connect(final Server server, final String... sopClasses) throws IOException
    {
        final List<ContextRequest> contexts = new ArrayList<>();
        for (final String sop : sopClasses)
        {
            contexts.add(ContextRequest.of(sop, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)));
        }
        return ApplicationEntity.named("FINDSCU").dimseTimeoutMs(20_000).build()
            .connect("127.0.0.1", server.port(), "QRSCP", contexts, null);
    }

    private static Server serve(final ArchiveIndex index) throws IOException
    {
        return ApplicationEntity.named("QRSCP").queryIndex(index).acceptVerification().build()
            .listen(new InetSocketAddress("127.0.0.1", 0));
    }

    @Test
    void shouldAnswerStudyAndPatientQueries() throws IOException
    {
        try (Server server = serve(index(10));
            ClientAssociation assoc = connect(server, STUDY_ROOT, PATIENT_ROOT,
                org.dimse4j.service.Verification.SOP_CLASS))
        {
            final List<DataSet> matches = new ArrayList<>();
            final DataSet keys = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
                .putString(Tag.PATIENT_NAME, "DOE*").putString(Tag.STUDY_INSTANCE_UID, null);
            assertEquals(Status.SUCCESS, assoc.find(STUDY_ROOT, keys, matches::add));
            assertEquals(5, matches.size());
            for (final DataSet m : matches)
            {
                assertEquals("DOE^JOHN", m.string(Tag.PATIENT_NAME));
                assertEquals("STUDY", m.string(Tag.QUERY_RETRIEVE_LEVEL));
                assertEquals("QRSCP", m.string(Tag.RETRIEVE_AE_TITLE));
                assertTrue(m.string(Tag.STUDY_INSTANCE_UID).startsWith("1.2.3."));
            }

            matches.clear();
            final DataSet patients = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "PATIENT")
                .putString(Tag.PATIENT_ID, null).putString(Tag.NUMBER_OF_PATIENT_RELATED_STUDIES, null);
            assertEquals(Status.SUCCESS, assoc.find(PATIENT_ROOT, patients, matches::add));
            assertEquals(2, matches.size());
            assertEquals("5", matches.get(0).string(Tag.NUMBER_OF_PATIENT_RELATED_STUDIES));

            matches.clear();
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, assoc.find(STUDY_ROOT, patients, matches::add),
                "PATIENT level is not in Study Root");
            final DataSet seriesWithoutStudy = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "SERIES")
                .putString(Tag.SERIES_INSTANCE_UID, null);
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                assoc.find(STUDY_ROOT, seriesWithoutStudy, matches::add));
            final DataSet noLevel = new DataSet().putString(Tag.PATIENT_ID, null);
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, assoc.find(STUDY_ROOT, noLevel, matches::add));
            final DataSet badDate = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
                .putString(Tag.STUDY_DATE, "2024-01-01");
            assertEquals(Status.CANNOT_UNDERSTAND, assoc.find(STUDY_ROOT, badDate, matches::add));
            assertTrue(matches.isEmpty());

            final DataSet none = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
                .putString(Tag.PATIENT_NAME, "NOBODY");
            assertEquals(Status.SUCCESS, assoc.find(STUDY_ROOT, none, matches::add));
            assertTrue(matches.isEmpty());
            assertEquals(Status.SUCCESS, assoc.echo(), "the association still works");
        }
    }

    @Test
    void shouldSendMoreResponsesThanTheSendBufferHolds() throws IOException
    {
        try (Server server = serve(index(3000));
            ClientAssociation assoc = connect(server, STUDY_ROOT))
        {
            final List<String> uids = new ArrayList<>();
            final DataSet keys = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
                .putString(Tag.STUDY_INSTANCE_UID, null).putString(Tag.PATIENT_NAME, null)
                .putString(Tag.STUDY_DESCRIPTION, null);
            assertEquals(Status.SUCCESS, assoc.find(STUDY_ROOT, keys,
                m -> uids.add(m.string(Tag.STUDY_INSTANCE_UID))));
            assertEquals(3000, uids.size());
            assertEquals(3000, uids.stream().distinct().count());
        }
    }

    /**
     * More matches than the socket buffers of loopback hold (about 9 MB of responses), so that the SCP is still
     * sending when the C-CANCEL-RQ arrives; with a few hundred, all responses are on their way before the cancel
     * is read, and the SCP rightly answers Success.
     */
    private static final int CANCEL_MATCHES = 30_000;

    @Test
    void shouldEndWithCancelStatusWhenCancelled() throws IOException
    {
        try (Server server = serve(index(CANCEL_MATCHES));
            ClientAssociation assoc = connect(server, STUDY_ROOT))
        {
            final int[] count = new int[1];
            final DataSet keys = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
                .putString(Tag.STUDY_INSTANCE_UID, null).putString(Tag.STUDY_DESCRIPTION, null);
            final int status = assoc.find(STUDY_ROOT, keys, m ->
            {
                if (count[0]++ == 0)
                {
                    try
                    {
                        assoc.cancel(assoc.findMessageId());
                    }
                    catch (final IOException ex)
                    {
                        throw new java.io.UncheckedIOException(ex);
                    }
                }
            });
            assertEquals(Status.CANCEL, status);
            assertTrue(count[0] >= 1 && count[0] < CANCEL_MATCHES,
                "matches before the cancel took effect: " + count[0]);

            final int[] again = new int[1];
            assertEquals(Status.SUCCESS, assoc.find(STUDY_ROOT, keys, m -> again[0]++), "cancels are cleared");
            assertEquals(CANCEL_MATCHES, again[0]);
        }
    }

    // ------------------------------------------------------------------------------------------------ raw C-FIND

    /** One C-FIND-RSP as it came: its status and its identifier (null when it has none). */
    private record Response(int status, DataSet identifier)
    {
    }

    /** Sends a C-FIND-RQ with the low-level API and returns every response, so the Pending statuses can be seen. */
    private static List<Response> findRaw(final ClientAssociation assoc, final String sopClass, final DataSet keys)
        throws IOException
    {
        final int contextId = assoc.association().contextIdFor(sopClass);
        final int encoding = DataSetReader.encodingOf(assoc.association().transferSyntax(contextId));
        final UnsafeBuffer identifier = new UnsafeBuffer(new byte[keys.encodedLength(encoding)]);
        keys.write(identifier, 0, encoding);
        final int messageId = assoc.nextMessageId();
        assoc.beginMsg(contextId)
            .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, sopClass)
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_FIND_RQ)
            .putUS(CommandElement.MESSAGE_ID, messageId)
            .putUS(CommandElement.PRIORITY, CommandElement.PRIORITY_MEDIUM)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT);
        assoc.sendMsg(identifier, 0, identifier.capacity());
        final List<Response> responses = new ArrayList<>();
        for (int n = 0; n < 1000; n++)
        {
            final MessageQueue.ReceivedMessage msg = assoc.getMsg(true);
            assertNotNull(msg, "a C-FIND-RSP within the DIMSE timeout");
            assertEquals(CommandField.C_FIND_RSP, msg.command().commandField());
            assertEquals(messageId, msg.command().messageIdBeingRespondedTo());
            final int status = msg.command().status();
            responses.add(new Response(status, msg.hasDataSet() ? DataSet.read(msg.dataSetBuffer(),
                msg.dataSetOffset(), msg.dataSetLength(), encoding) : null));
            if (!Status.isPending(status))
            {
                return responses;
            }
        }
        return fail("no final C-FIND-RSP after 1000 responses");
    }

    private static final int PRIVATE_CREATOR = 0x00090010;
    private static final int PRIVATE = 0x00091010;

    /**
     * PS3.4 C.2.2.1.3 and Table C.4-1: keys the index does not hold (Patient's Age, Series Date, private ones) are not
     * matched, so they no longer filter out every match; the matches come as Pending 0xFF01 and leave those keys
     * out, as dcmqrscp does; with supported keys only they are 0xFF00.
     */
    @Test
    void shouldAnswerKeysItDoesNotSupportWithPendingWarning() throws IOException
    {
        try (Server server = serve(index(10)); ClientAssociation assoc = connect(server, STUDY_ROOT))
        {
            final DataSet keys = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
                .putString(Tag.PATIENT_NAME, "DOE*").putString(Tag.STUDY_INSTANCE_UID, null)
                .putString(Tag.STUDY_DESCRIPTION, null).putString(Tag.PATIENT_AGE, "042Y")
                .putString(Tag.SERIES_DATE, "20240101").putString(PRIVATE_CREATOR, VR.LO, "ACME 1.0")
                .putString(PRIVATE, VR.LO, "X");
            final List<Response> warned = findRaw(assoc, STUDY_ROOT, keys);
            assertEquals(6, warned.size(), "5 matches and the final response");
            final Response last = warned.get(5);
            assertEquals(Status.SUCCESS, last.status());
            assertNull(last.identifier(), "no identifier in the final response");
            for (final Response r : warned.subList(0, 5))
            {
                assertEquals(Status.PENDING_WARNING, r.status());
                final DataSet m = r.identifier();
                assertEquals("DOE^JOHN", m.string(Tag.PATIENT_NAME));
                assertTrue(m.contains(Tag.STUDY_DESCRIPTION));
                assertEquals("QRSCP", m.string(Tag.RETRIEVE_AE_TITLE));
                for (final int left : new int[] {Tag.PATIENT_AGE, Tag.SERIES_DATE, PRIVATE_CREATOR, PRIVATE})
                {
                    assertFalse(m.contains(left), () -> "not supported, not returned: " + Integer.toHexString(left));
                }
            }
            final List<DataSet> viaFind = new ArrayList<>();
            assertEquals(Status.SUCCESS, assoc.find(STUDY_ROOT, keys, viaFind::add));
            assertEquals(5, viaFind.size());

            for (final int tag : new int[] {Tag.PATIENT_AGE, Tag.SERIES_DATE, PRIVATE_CREATOR, PRIVATE})
            {
                keys.remove(tag);
            }
            keys.putString(Tag.RETRIEVE_AE_TITLE, null); // returned by every response: supported for existence
            final List<Response> plain = findRaw(assoc, STUDY_ROOT, keys);
            assertEquals(6, plain.size());
            for (int i = 0; i < 5; i++)
            {
                assertEquals(Status.PENDING, plain.get(i).status());
                assertEquals(warned.get(i).identifier(), plain.get(i).identifier(), "the same keys come back");
            }
            keys.putString(Tag.RETRIEVE_AE_TITLE, "ELSEWHERE"); // but not for matching
            final List<Response> byAeTitle = findRaw(assoc, STUDY_ROOT, keys);
            assertEquals(6, byAeTitle.size());
            assertEquals(Status.PENDING_WARNING, byAeTitle.get(0).status());
            assertEquals("QRSCP", byAeTitle.get(0).identifier().string(Tag.RETRIEVE_AE_TITLE));
        }
    }

    private static DataSet code(final DataSet item, final String value, final String meaning)
    {
        return item.putString(Tag.CODE_VALUE, value).putString(Tag.CODING_SCHEME_DESIGNATOR, "99TEST")
            .putString(Tag.CODE_MEANING, meaning);
    }

    /** Sequence Matching (C.2.2.2.6) over the kept sequences: item by item, and universal keys return them whole. */
    @Test
    void shouldMatchSequenceKeysAndReturnTheStoredSequences() throws IOException
    {
        final ArchiveIndex index = new ArchiveIndex();
        for (int s = 1; s <= 2; s++)
        {
            final DataSet d = new DataSet().putString(Tag.PATIENT_ID, "P" + s)
                .putString(Tag.STUDY_INSTANCE_UID, "1.2.8." + s).putString(Tag.SERIES_INSTANCE_UID, "1.2.8." + s + ".1")
                .putString(Tag.SOP_INSTANCE_UID, "1.2.8." + s + ".1.1").putString(Tag.MODALITY, "CT");
            code(d.addItem(Tag.PROCEDURE_CODE_SEQUENCE), "P" + s, s == 1 ? "Chest CT" : "Head CT");
            if (s == 1)
            {
                d.addItem(Tag.REFERENCED_STUDY_SEQUENCE).putString(Tag.REFERENCED_SOP_CLASS_UID,
                    "1.2.840.10008.3.1.2.3.1").putString(Tag.REFERENCED_SOP_INSTANCE_UID, "1.2.8.1.99");
            }
            d.addItem(Tag.REQUEST_ATTRIBUTES_SEQUENCE).putString(Tag.REQUESTED_PROCEDURE_ID, "RP" + s)
                .putString(Tag.SCHEDULED_PROCEDURE_STEP_ID, "SPS" + s);
            index.add(d, null);
        }
        try (Server server = serve(index); ClientAssociation assoc = connect(server, STUDY_ROOT))
        {
            final DataSet keys = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
                .putString(Tag.STUDY_INSTANCE_UID, null);
            keys.addItem(Tag.PROCEDURE_CODE_SEQUENCE).putString(Tag.CODE_VALUE, "P1").putString(Tag.CODE_MEANING, "");
            keys.putSequence(Tag.REFERENCED_STUDY_SEQUENCE);
            final List<Response> study = findRaw(assoc, STUDY_ROOT, keys);
            assertEquals(2, study.size(), "one match");
            assertEquals(Status.PENDING, study.get(0).status(), "every key supported");
            final DataSet m = study.get(0).identifier();
            assertEquals("1.2.8.1", m.string(Tag.STUDY_INSTANCE_UID));
            final List<DataSet> codes = m.sequence(Tag.PROCEDURE_CODE_SEQUENCE);
            assertEquals(1, codes.size());
            assertEquals("P1", codes.get(0).string(Tag.CODE_VALUE));
            assertEquals("Chest CT", codes.get(0).string(Tag.CODE_MEANING));
            assertFalse(codes.get(0).contains(Tag.CODING_SCHEME_DESIGNATOR), "the item cut to the keys asked for");
            final List<DataSet> references = m.sequence(Tag.REFERENCED_STUDY_SEQUENCE);
            assertEquals(1, references.size(), "a universal sequence key: the stored sequence, whole");
            assertEquals("1.2.8.1.99", references.get(0).string(Tag.REFERENCED_SOP_INSTANCE_UID));
            assertEquals("1.2.840.10008.3.1.2.3.1", references.get(0).string(Tag.REFERENCED_SOP_CLASS_UID));

            final DataSet series = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "SERIES")
                .putString(Tag.STUDY_INSTANCE_UID, "1.2.8.2").putString(Tag.SERIES_INSTANCE_UID, null);
            series.addItem(Tag.REQUEST_ATTRIBUTES_SEQUENCE).putString(Tag.REQUESTED_PROCEDURE_ID, "RP2")
                .putString(Tag.SCHEDULED_PROCEDURE_STEP_ID, "");
            final List<DataSet> found = new ArrayList<>();
            assertEquals(Status.SUCCESS, assoc.find(STUDY_ROOT, series, found::add));
            assertEquals(1, found.size());
            assertEquals("SPS2", found.get(0).sequence(Tag.REQUEST_ATTRIBUTES_SEQUENCE).get(0)
                .string(Tag.SCHEDULED_PROCEDURE_STEP_ID));
            series.sequence(Tag.REQUEST_ATTRIBUTES_SEQUENCE).get(0).putString(Tag.REQUESTED_PROCEDURE_ID, "RP1");
            found.clear();
            assertEquals(Status.SUCCESS, assoc.find(STUDY_ROOT, series, found::add));
            assertEquals(List.of(), found, "RP1 is the other study's");
        }
    }

    // ------------------------------------------------------------------------------------------------ Patient Root

    /** P1: study 1.2.9.1 with a CT series of two instances and an MR series of one; P2: study 1.2.9.2. */
    private static ArchiveIndex patients()
    {
        final ArchiveIndex index = new ArchiveIndex();
        final String[][] rows = {
            {"P1", "1.2.9.1", "1.2.9.1.1", "CT", "1.2.9.1.1.1", "1"},
            {"P1", "1.2.9.1", "1.2.9.1.1", "CT", "1.2.9.1.1.2", "2"},
            {"P1", "1.2.9.1", "1.2.9.1.2", "MR", "1.2.9.1.2.1", "1"},
            {"P2", "1.2.9.2", "1.2.9.2.1", "CT", "1.2.9.2.1.1", "1"}};
        for (final String[] r : rows)
        {
            index.add(new DataSet().putString(Tag.PATIENT_ID, r[0]).putString(Tag.PATIENT_NAME, "DOE^" + r[0])
                .putString(Tag.STUDY_INSTANCE_UID, r[1]).putString(Tag.SERIES_INSTANCE_UID, r[2])
                .putString(Tag.MODALITY, r[3]).putString(Tag.SOP_INSTANCE_UID, r[4])
                .putString(Tag.INSTANCE_NUMBER, r[5]).putString(Tag.SOP_CLASS_UID, "1.2.840.10008.5.1.4.1.1.2"),
                null);
        }
        return index;
    }

    private static Set<String> values(final List<DataSet> matches, final int tag)
    {
        return matches.stream().map(m -> m.string(tag)).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Patient Root C-FIND at SERIES and IMAGE levels (PS3.4 C.6.1.1.4, C.6.1.1.5), with the hierarchical key check
     * of C.4.1.2.2: the unique keys of every level above the queried one, Patient ID included, with a single value.
     */
    @Test
    void shouldAnswerPatientRootSeriesAndImageQueries() throws IOException
    {
        try (Server server = serve(patients());
            ClientAssociation assoc = connect(server, PATIENT_ROOT, STUDY_ROOT,
                org.dimse4j.service.Verification.SOP_CLASS))
        {
            final List<DataSet> matches = new ArrayList<>();
            final DataSet series = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "SERIES")
                .putString(Tag.PATIENT_ID, "P1").putString(Tag.STUDY_INSTANCE_UID, "1.2.9.1")
                .putString(Tag.SERIES_INSTANCE_UID, null).putString(Tag.MODALITY, null)
                .putString(Tag.NUMBER_OF_SERIES_RELATED_INSTANCES, null);
            assertEquals(Status.SUCCESS, assoc.find(PATIENT_ROOT, series, matches::add));
            assertEquals(Set.of("1.2.9.1.1", "1.2.9.1.2"), values(matches, Tag.SERIES_INSTANCE_UID));
            assertEquals(Set.of("CT", "MR"), values(matches, Tag.MODALITY));
            assertEquals(Set.of("1", "2"), values(matches, Tag.NUMBER_OF_SERIES_RELATED_INSTANCES));
            assertEquals(Set.of("P1"), values(matches, Tag.PATIENT_ID));
            assertEquals(Set.of("1.2.9.1"), values(matches, Tag.STUDY_INSTANCE_UID));
            assertEquals(Set.of("SERIES"), values(matches, Tag.QUERY_RETRIEVE_LEVEL));

            matches.clear();
            assertEquals(Status.SUCCESS, assoc.find(PATIENT_ROOT, series.putString(Tag.MODALITY, "MR"), matches::add));
            assertEquals(Set.of("1.2.9.1.2"), values(matches, Tag.SERIES_INSTANCE_UID));
            matches.clear();
            assertEquals(Status.SUCCESS, assoc.find(PATIENT_ROOT, series.copy().putString(Tag.PATIENT_ID, "P2"),
                matches::add));
            assertEquals(List.of(), matches, "the study is not P2's");

            final DataSet image = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "IMAGE")
                .putString(Tag.PATIENT_ID, "P1").putString(Tag.STUDY_INSTANCE_UID, "1.2.9.1")
                .putString(Tag.SERIES_INSTANCE_UID, "1.2.9.1.1").putString(Tag.SOP_INSTANCE_UID, null)
                .putString(Tag.INSTANCE_NUMBER, null).putString(Tag.SOP_CLASS_UID, null);
            assertEquals(Status.SUCCESS, assoc.find(PATIENT_ROOT, image, matches::add));
            assertEquals(Set.of("1.2.9.1.1.1", "1.2.9.1.1.2"), values(matches, Tag.SOP_INSTANCE_UID));
            assertEquals(Set.of("1", "2"), values(matches, Tag.INSTANCE_NUMBER));
            assertEquals(Set.of("P1"), values(matches, Tag.PATIENT_ID));
            assertEquals(Set.of("1.2.9.1.1"), values(matches, Tag.SERIES_INSTANCE_UID));
            matches.clear();
            assertEquals(Status.SUCCESS, assoc.find(PATIENT_ROOT, image.copy().putString(Tag.INSTANCE_NUMBER, "2"),
                matches::add));
            assertEquals(Set.of("1.2.9.1.1.2"), values(matches, Tag.SOP_INSTANCE_UID));

            // the hierarchical check: each unique key above the level, with one value, no wild card
            matches.clear();
            final DataSet noPatient = series.copy();
            noPatient.remove(Tag.PATIENT_ID);
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, assoc.find(PATIENT_ROOT, noPatient, matches::add));
            assertEquals(Status.SUCCESS, assoc.find(STUDY_ROOT, noPatient, matches::add), "Study Root has no "
                + "patient level");
            assertEquals(Set.of("1.2.9.1.2"), values(matches, Tag.SERIES_INSTANCE_UID));
            matches.clear();
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, assoc.find(PATIENT_ROOT,
                series.copy().putString(Tag.PATIENT_ID, "P*"), matches::add), "a wild card Patient ID");
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, assoc.find(PATIENT_ROOT,
                series.copy().putString(Tag.STUDY_INSTANCE_UID, ""), matches::add), "an empty Study Instance UID");
            final DataSet noSeries = image.copy();
            noSeries.remove(Tag.SERIES_INSTANCE_UID);
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, assoc.find(PATIENT_ROOT, noSeries, matches::add));
            final DataSet noStudy = image.copy();
            noStudy.remove(Tag.STUDY_INSTANCE_UID);
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, assoc.find(PATIENT_ROOT, noStudy, matches::add));
            assertEquals(List.of(), matches);
            assertEquals(Status.SUCCESS, assoc.echo(), "the association still works");
        }
    }

    // ------------------------------------------------------------------------------------------------ restart

    @TempDir
    Path tmp;

    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    /** The answers to a few queries, each response printed, sorted: the same archive answers the same. */
    private static List<String> answers(final ClientAssociation assoc) throws IOException
    {
        final List<String> out = new ArrayList<>();
        final DataSet studies = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
            .putString(Tag.STUDY_INSTANCE_UID, null).putString(Tag.PATIENT_NAME, null)
            .putString(Tag.STUDY_DATE, "20240101-").putString(Tag.MODALITIES_IN_STUDY, null)
            .putString(Tag.NUMBER_OF_STUDY_RELATED_INSTANCES, null);
        studies.putSequence(Tag.PROCEDURE_CODE_SEQUENCE);
        final List<DataSet> study = new ArrayList<>();
        assertEquals(Status.SUCCESS, assoc.find(STUDY_ROOT, studies, study::add));
        final List<String> part = new ArrayList<>();
        study.forEach(m -> part.add(m.toString()));
        for (final DataSet s : study)
        {
            final DataSet series = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "SERIES")
                .putString(Tag.STUDY_INSTANCE_UID, s.string(Tag.STUDY_INSTANCE_UID))
                .putString(Tag.SERIES_INSTANCE_UID, null).putString(Tag.NUMBER_OF_SERIES_RELATED_INSTANCES, null);
            series.addItem(Tag.REQUEST_ATTRIBUTES_SEQUENCE).putString(Tag.REQUESTED_PROCEDURE_ID, "RP1");
            assertEquals(Status.SUCCESS, assoc.find(STUDY_ROOT, series, m -> part.add(m.toString())));
        }
        part.sort(null);
        out.addAll(part);
        return out;
    }

    /**
     * Instances stored into the archive by C-STORE (DirectoryStore, study/series/instance layout) are found by
     * C-FIND, and found the same after a restart over the same directory: the index rebuilt from the files, kept
     * sequences included.
     */
    @Test
    void shouldFindStoredInstancesAgainAfterARestart() throws IOException
    {
        final Path source = Files.createDirectories(tmp.resolve("source"));
        final List<Path> files = new ArrayList<>();
        final String[][] rows = {
            {"1.2.10.1", "1.2.10.1.1", "1.2.10.1.1.1", "20240301", "RP1"},
            {"1.2.10.1", "1.2.10.1.1", "1.2.10.1.1.2", "20240301", "RP1"},
            {"1.2.10.1", "1.2.10.1.2", "1.2.10.1.2.1", "20240301", "RP2"},
            {"1.2.10.2", "1.2.10.2.1", "1.2.10.2.1.1", "20231231", "RP1"},
            {"1.2.10.3", "1.2.10.3.1", "1.2.10.3.1.1", "20240615", "RP1"}};
        for (final String[] r : rows)
        {
            final DataSet extra = new DataSet().putString(Tag.PATIENT_NAME, "STORED^" + r[0])
                .putString(Tag.PATIENT_ID, "PS" + r[0].substring(r[0].lastIndexOf('.') + 1))
                .putString(Tag.STUDY_DATE, r[3]).putString(Tag.MODALITY, "CT");
            code(extra.addItem(Tag.PROCEDURE_CODE_SEQUENCE), "P" + r[0], "Procedure");
            extra.addItem(Tag.REQUEST_ATTRIBUTES_SEQUENCE).putString(Tag.REQUESTED_PROCEDURE_ID, r[4]);
            final Path file = source.resolve(r[2] + ".dcm");
            SyntheticInstance.write(file, CT, r[2], r[0], r[1], 512, extra);
            files.add(file);
        }
        final Path archive = tmp.resolve("archive");
        final List<ContextRequest> contexts = List.of(
            ContextRequest.of(STUDY_ROOT, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)),
            ContextRequest.of(CT, List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)));
        final List<String> before;
        final ArchiveIndex first = ArchiveIndex.rebuild(archive);
        assertEquals(0, first.size());
        try (DirectoryStore store = new DirectoryStore(archive, DirectoryStore.Durability.RENAME,
                DirectoryStore.Duplicates.OVERWRITE, first::onStored)
                .layout(DirectoryStore.Layout.STUDY_SERIES_INSTANCE);
            Server server = ApplicationEntity.named("QRSCP").acceptStorage(TransferSyntax.UNCOMPRESSED, store)
                .queryIndex(first).build().listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = ApplicationEntity.named("FINDSCU").dimseTimeoutMs(20_000).build()
                .connect("127.0.0.1", server.port(), "QRSCP", contexts, null))
        {
            for (final Path file : files)
            {
                assertEquals(Status.SUCCESS, assoc.store(file), file::toString);
            }
            before = answers(assoc);
        }
        assertTrue(Files.isRegularFile(archive.resolve("1.2.10.1/1.2.10.1.2/1.2.10.1.2.1.dcm")), "layout");
        assertEquals(2 + 2, before.size(), "studies 1.2.10.1 and 1.2.10.3; the RP1 series of each");
        assertTrue(before.stream().anyMatch(a -> a.contains("[P1.2.10.3]")), () -> String.join("\n", before));
        assertTrue(before.stream().anyMatch(a -> a.contains("[1.2.10.1.1]") && a.contains("(0020,1209) IS [2]")),
            () -> String.join("\n", before));

        final ArchiveIndex rebuilt = ArchiveIndex.rebuild(archive);
        assertEquals(files.size(), rebuilt.size());
        try (Server server = ApplicationEntity.named("QRSCP").queryIndex(rebuilt).build()
                .listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = ApplicationEntity.named("FINDSCU").dimseTimeoutMs(20_000).build()
                .connect("127.0.0.1", server.port(), "QRSCP", contexts.subList(0, 1), null))
        {
            assertEquals(before, answers(assoc));
        }
    }
}
