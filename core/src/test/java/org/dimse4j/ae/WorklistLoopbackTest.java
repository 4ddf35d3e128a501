package org.dimse4j.ae;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.archive.WorklistDirectory;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.data.Part10Writer;
import org.dimse4j.data.Tag;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our C-FIND SCU against our Modality Worklist SCP over loopback, the worklist items being files in a directory.
 */
@Timeout(60)
class WorklistLoopbackTest
{
    private static final String MWL = Uid.MODALITY_WORKLIST_INFORMATION_MODEL_FIND;

    @TempDir
    Path dir;

    static DataSet item(final String name, final String id, final String accession, final String modality,
        final String station, final String date, final String time)
    {
        final DataSet item = new DataSet()
            .putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 100")
            .putString(Tag.ACCESSION_NUMBER, accession)
            .putString(Tag.PATIENT_NAME, name)
            .putString(Tag.PATIENT_ID, id)
            .putString(Tag.PATIENT_BIRTH_DATE, "19700101")
            .putString(Tag.PATIENT_SEX, "O")
            .putString(Tag.STUDY_INSTANCE_UID, "1.2.826.0.1.3680043.2.1125." + id)
            .putString(Tag.REQUESTED_PROCEDURE_ID, "RP" + id);
        item.addItem(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE)
            .putString(Tag.SCHEDULED_STATION_AE_TITLE, station)
            .putString(Tag.SCHEDULED_PROCEDURE_STEP_START_DATE, date)
            .putString(Tag.SCHEDULED_PROCEDURE_STEP_START_TIME, time)
            .putString(Tag.MODALITY, modality)
            .putString(Tag.SCHEDULED_PERFORMING_PHYSICIAN_NAME, "HOUSE^GREGORY")
            .putString(Tag.SCHEDULED_PROCEDURE_STEP_DESCRIPTION, modality + " EXAM")
            .putString(Tag.SCHEDULED_PROCEDURE_STEP_ID, "SPS" + id);
        return item;
    }

    /** Writes an item as a Part 10 file in Explicit VR Little Endian, as dump2dcm does. */
    static void writePart10(final Path file, final DataSet item) throws IOException
    {
        final String instance = "1.2.826.0.1.3680043.2.1125.9." + Math.abs(file.getFileName().hashCode());
        final int meta = Part10Writer.metaLength(MWL, instance, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, null);
        final int length = meta + item.encodedLength(DataSetReader.EXPLICIT_LITTLE);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        Part10Writer.writeMeta(buffer, 0, MWL, instance, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, null);
        item.write(buffer, meta, DataSetReader.EXPLICIT_LITTLE);
        Files.write(file, buffer.byteArray());
    }

    /** Writes an item as a raw Implicit VR Little Endian data set. */
    static void writeRaw(final Path file, final DataSet item) throws IOException
    {
        final byte[] bytes = new byte[item.encodedLength(DataSetReader.IMPLICIT_LITTLE)];
        item.write(new UnsafeBuffer(bytes), 0, DataSetReader.IMPLICIT_LITTLE);
        Files.write(file, bytes);
    }

    private void worklist() throws IOException
    {
        writePart10(dir.resolve("1.wl"), item("DOE^JOHN", "P1", "A1", "CT", "CTSCANNER", "20261124", "0900"));
        writePart10(dir.resolve("2.wl"), item("DOE^JANE", "P2", "A2", "MR", "MRSCANNER", "20261125", "1000"));
        writePart10(dir.resolve("3.wl"), item("ROE^RICHARD", "P3", "A3", "CT", "CTSCANNER", "20261126", "1100"));
        writeRaw(dir.resolve("4.wl"), item("SMITH^ANNA", "P4", "A4", "US", "USROOM", "20261124", "1200"));
        writePart10(dir.resolve("not-a-worklist-item.dcm"), new DataSet().putString(Tag.PATIENT_NAME, "NO^SPS"));
        Files.writeString(dir.resolve("README.txt"), "not DICOM at all");
        Files.writeString(dir.resolve(".hidden"), "");
        Files.writeString(dir.resolve("lockfile"), "");
    }

    private static Server serve(final WorklistDirectory worklist) throws IOException
    {
        return ApplicationEntity.named("WLMSCP").worklist(worklist).acceptVerification().build()
            .listen(new InetSocketAddress("127.0.0.1", 0));
    }

    private static ClientAssociation connect(final Server server) throws IOException
    {
        return ApplicationEntity.named("MODALITY").dimseTimeoutMs(20_000).build()
            .connect("127.0.0.1", server.port(), "WLMSCP",
                List.of(ContextRequest.of(MWL, List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)),
                    ContextRequest.of(org.dimse4j.service.Verification.SOP_CLASS,
                        List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))), null);
    }

    /** The usual worklist keys, SPS keys in one item, given values where asked. */
    private static DataSet keys(final String patientName, final String modality, final String station,
        final String date)
    {
        final DataSet keys = new DataSet()
            .putString(Tag.ACCESSION_NUMBER, null)
            .putString(Tag.PATIENT_NAME, patientName)
            .putString(Tag.PATIENT_ID, null)
            .putString(Tag.STUDY_INSTANCE_UID, null)
            .putString(Tag.REQUESTED_PROCEDURE_ID, null);
        keys.addItem(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE)
            .putString(Tag.SCHEDULED_STATION_AE_TITLE, station)
            .putString(Tag.SCHEDULED_PROCEDURE_STEP_START_DATE, date)
            .putString(Tag.MODALITY, modality)
            .putString(Tag.SCHEDULED_PROCEDURE_STEP_ID, null);
        return keys;
    }

    private static List<String> names(final ClientAssociation assoc, final DataSet keys, final List<DataSet> into)
        throws IOException
    {
        into.clear();
        assertEquals(Status.SUCCESS, assoc.find(MWL, keys, into::add));
        final List<String> names = new ArrayList<>();
        for (final DataSet m : into)
        {
            names.add(m.string(Tag.PATIENT_NAME));
        }
        names.sort(null);
        return names;
    }

    @Test
    void shouldLoadItemsSkippingFilesThatAreNotWorklistItems() throws IOException
    {
        worklist();
        final WorklistDirectory worklist = new WorklistDirectory(dir);
        assertEquals(4, worklist.items().size());
    }

    @Test
    void shouldMatchOnSequenceKeysDatesStationsAndNames() throws IOException
    {
        worklist();
        final List<DataSet> matches = new ArrayList<>();
        try (Server server = serve(new WorklistDirectory(dir));
            ClientAssociation assoc = connect(server))
        {
            assertEquals(List.of("DOE^JOHN", "ROE^RICHARD"), names(assoc, keys(null, "CT", null, null), matches));
            for (final DataSet m : matches)
            {
                assertNull(m.string(Tag.PATIENT_BIRTH_DATE), "only the requested keys");
                assertNull(m.string(Tag.RETRIEVE_AE_TITLE));
                assertTrue(m.string(Tag.ACCESSION_NUMBER).startsWith("A"));
                assertTrue(m.string(Tag.REQUESTED_PROCEDURE_ID).startsWith("RP"));
                final List<DataSet> steps = m.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE);
                assertEquals(1, steps.size());
                final DataSet step = steps.get(0);
                assertEquals("CT", step.string(Tag.MODALITY));
                assertEquals("CTSCANNER", step.string(Tag.SCHEDULED_STATION_AE_TITLE));
                assertTrue(step.string(Tag.SCHEDULED_PROCEDURE_STEP_ID).startsWith("SPS"));
                assertNull(step.string(Tag.SCHEDULED_PERFORMING_PHYSICIAN_NAME), "cut to the requested keys");
                assertNull(step.string(Tag.SCHEDULED_PROCEDURE_STEP_DESCRIPTION));
            }

            assertEquals(List.of("DOE^JOHN", "SMITH^ANNA"), names(assoc, keys(null, null, null, "20261124"), matches),
                "single date, the raw data set file included");
            assertEquals(List.of("DOE^JANE", "DOE^JOHN", "SMITH^ANNA"),
                names(assoc, keys(null, null, null, "20261124-20261125"), matches), "date range");
            assertEquals(List.of("DOE^JANE", "ROE^RICHARD"),
                names(assoc, keys(null, null, null, "20261125-"), matches), "open date range");
            assertEquals(List.of("ROE^RICHARD"), names(assoc, keys(null, "CT", null, "20261125-20261130"), matches));
            assertEquals(List.of("DOE^JANE"), names(assoc, keys(null, null, "MRSCANNER", null), matches),
                "Scheduled Station AE Title");
            assertEquals(List.of("DOE^JANE", "DOE^JOHN"), names(assoc, keys("DOE*", null, null, null), matches),
                "patient name wildcard");
            assertEquals(List.of("DOE^JOHN"), names(assoc, keys("DOE*", "CT", "CTSCANNER", "20261124"), matches));
            assertEquals(List.of(), names(assoc, keys("DOE*", "US", null, null), matches));
            assertEquals(4, names(assoc, keys(null, null, null, null), matches).size(), "universal");

            final DataSet wholeSequence = new DataSet().putString(Tag.PATIENT_NAME, "ROE*");
            wholeSequence.putSequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE);
            assertEquals(List.of("ROE^RICHARD"), names(assoc, wholeSequence, matches));
            final DataSet step = matches.get(0).sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).get(0);
            assertEquals("HOUSE^GREGORY", step.string(Tag.SCHEDULED_PERFORMING_PHYSICIAN_NAME),
                "an empty sequence key returns the whole sequence");

            final DataSet twoItems = keys(null, "CT", null, null);
            twoItems.addItem(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE).putString(Tag.MODALITY, "MR");
            assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, assoc.find(MWL, twoItems, matches::add));
            assertEquals(Status.SUCCESS, assoc.echo(), "the association still works");
        }
    }

    @Test
    void shouldSeeItemsAddedChangedAndRemovedBetweenQueries() throws IOException
    {
        worklist();
        final List<DataSet> matches = new ArrayList<>();
        try (Server server = serve(new WorklistDirectory(dir));
            ClientAssociation assoc = connect(server))
        {
            assertEquals(List.of("DOE^JOHN", "ROE^RICHARD"), names(assoc, keys(null, "CT", null, null), matches));
            writePart10(dir.resolve("5.wl"), item("NEW^PATIENT", "P5", "A5", "CT", "CTSCANNER", "20261127", "0800"));
            Files.delete(dir.resolve("3.wl"));
            assertEquals(List.of("DOE^JOHN", "NEW^PATIENT"), names(assoc, keys(null, "CT", null, null), matches));
            writePart10(dir.resolve("1.wl"), item("DOE^JOHNNY", "P1", "A1", "MR", "CTSCANNER", "20261124", "0900"));
            Files.setLastModifiedTime(dir.resolve("1.wl"), java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 5_000));
            assertEquals(List.of("NEW^PATIENT"), names(assoc, keys(null, "CT", null, null), matches));
            assertEquals(Arrays.asList("DOE^JANE", "DOE^JOHNNY"), names(assoc, keys(null, "MR", null, null), matches));
        }
    }
}
