package org.dimse4j.ae;

import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our C-FIND SCU against our C-FIND SCP over loopback: matches, many responses (more than the send buffer holds),
 * cancel, and bad identifiers.
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
}
