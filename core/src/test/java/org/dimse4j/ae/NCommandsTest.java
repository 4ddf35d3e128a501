package org.dimse4j.ae;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.Tag;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.Status;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The DIMSE-N command sets we send, byte for byte against the layout of PS3.7 §10.3 written out by hand, and read
 * back by DCMTK's dcmdump.
 */
class NCommandsTest
{
    private static final String INSTANCE = "1.2.826.0.1.3680043.2.1125.9.1";

    @TempDir
    Path dir;

    private static byte[] encode(final java.util.function.Consumer<CommandEncoder> writer)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final CommandEncoder encoder = new CommandEncoder().wrap(buffer, 0);
        writer.accept(encoder);
        final byte[] bytes = new byte[encoder.encodedLength()];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /** Hand-made Implicit VR Little Endian command set, group length first. */
    private static final class Expected
    {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Expected us(final int tag, final int value)
        {
            header(tag, 2);
            body.write(value & 0xFF);
            body.write(value >>> 8);
            return this;
        }

        Expected text(final int tag, final String value, final int pad)
        {
            final byte[] b = value.getBytes(StandardCharsets.US_ASCII);
            header(tag, b.length + (b.length & 1));
            body.writeBytes(b);
            if ((b.length & 1) == 1)
            {
                body.write(pad);
            }
            return this;
        }

        Expected at(final int tag, final int... tags)
        {
            header(tag, 4 * tags.length);
            for (final int t : tags)
            {
                le16(t >>> 16);
                le16(t);
            }
            return this;
        }

        private void header(final int tag, final int length)
        {
            le16(tag >>> 16);
            le16(tag);
            le16(length);
            le16(length >>> 16);
        }

        private void le16(final int v)
        {
            body.write(v & 0xFF);
            body.write((v >>> 8) & 0xFF);
        }

        byte[] bytes()
        {
            final byte[] b = body.toByteArray();
            final ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(new byte[] {0, 0, 0, 0, 4, 0, 0, 0});
            all.write(b.length & 0xFF);
            all.write((b.length >>> 8) & 0xFF);
            all.write((b.length >>> 16) & 0xFF);
            all.write(b.length >>> 24);
            all.writeBytes(b);
            return all.toByteArray();
        }
    }

    @Test
    void shouldEncodeCommitmentNActionRqWithRequestedElements()
    {
        final byte[] ours = encode(enc -> NCommands.request(enc, CommandField.N_ACTION_RQ, 5,
            Uid.STORAGE_COMMITMENT_PUSH_MODEL, Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, 1, null, true));
        final byte[] expected = new Expected()
            .text(CommandElement.REQUESTED_SOP_CLASS_UID, Uid.STORAGE_COMMITMENT_PUSH_MODEL, 0)
            .us(CommandElement.COMMAND_FIELD, 0x0130)
            .us(CommandElement.MESSAGE_ID, 5)
            .us(CommandElement.COMMAND_DATA_SET_TYPE, 0x0001)
            .text(CommandElement.REQUESTED_SOP_INSTANCE_UID, Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, 0)
            .us(CommandElement.ACTION_TYPE_ID, 1)
            .bytes();
        assertArrayEquals(expected, ours);
        final CommandDecoder decoder = new CommandDecoder().wrap(new UnsafeBuffer(ours), 0, ours.length);
        decoder.validate();
        assertFalse(decoder.contains(CommandElement.AFFECTED_SOP_CLASS_UID));
    }

    @Test
    void shouldEncodeEventReportRqAndNGetRqAndCreateWithoutInstance()
    {
        assertArrayEquals(new Expected()
            .text(CommandElement.AFFECTED_SOP_CLASS_UID, Uid.STORAGE_COMMITMENT_PUSH_MODEL, 0)
            .us(CommandElement.COMMAND_FIELD, 0x0100)
            .us(CommandElement.MESSAGE_ID, 9)
            .us(CommandElement.COMMAND_DATA_SET_TYPE, 0x0001)
            .text(CommandElement.AFFECTED_SOP_INSTANCE_UID, Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, 0)
            .us(CommandElement.EVENT_TYPE_ID, 2)
            .bytes(), encode(enc -> NCommands.request(enc, CommandField.N_EVENT_REPORT_RQ, 9,
                Uid.STORAGE_COMMITMENT_PUSH_MODEL, Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, 2, null, true)));
        assertArrayEquals(new Expected()
            .text(CommandElement.REQUESTED_SOP_CLASS_UID, Uid.MODALITY_PERFORMED_PROCEDURE_STEP_RETRIEVE, 0)
            .us(CommandElement.COMMAND_FIELD, 0x0110)
            .us(CommandElement.MESSAGE_ID, 3)
            .us(CommandElement.COMMAND_DATA_SET_TYPE, 0x0101)
            .text(CommandElement.REQUESTED_SOP_INSTANCE_UID, INSTANCE, 0)
            .at(CommandElement.ATTRIBUTE_IDENTIFIER_LIST, Tag.PATIENT_NAME, Tag.PERFORMED_PROCEDURE_STEP_STATUS)
            .bytes(), encode(enc -> NCommands.request(enc, CommandField.N_GET_RQ, 3,
                Uid.MODALITY_PERFORMED_PROCEDURE_STEP_RETRIEVE, INSTANCE, -1,
                new int[] {Tag.PATIENT_NAME, Tag.PERFORMED_PROCEDURE_STEP_STATUS}, false)));
        assertArrayEquals(new Expected()
            .text(CommandElement.AFFECTED_SOP_CLASS_UID, Uid.MODALITY_PERFORMED_PROCEDURE_STEP, 0)
            .us(CommandElement.COMMAND_FIELD, 0x0140)
            .us(CommandElement.MESSAGE_ID, 4)
            .us(CommandElement.COMMAND_DATA_SET_TYPE, 0x0001)
            .bytes(), encode(enc -> NCommands.request(enc, CommandField.N_CREATE_RQ, 4,
                Uid.MODALITY_PERFORMED_PROCEDURE_STEP, null, -1, null, true)));
    }

    @Test
    void shouldEncodeResponsesWithErrorFieldsAndTypeIds()
    {
        final NResponse refused = NResponse.of(Status.PROCESSING_FAILURE, "may no\\longer be updated")
            .withErrorId(0xA710);
        assertArrayEquals(new Expected()
            .text(CommandElement.AFFECTED_SOP_CLASS_UID, Uid.MODALITY_PERFORMED_PROCEDURE_STEP, 0)
            .us(CommandElement.COMMAND_FIELD, 0x8120)
            .us(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, 6)
            .us(CommandElement.COMMAND_DATA_SET_TYPE, 0x0101)
            .us(CommandElement.STATUS, 0x0110)
            .text(CommandElement.ERROR_COMMENT, "may no/longer be updated", ' ')
            .us(CommandElement.ERROR_ID, 0xA710)
            .text(CommandElement.AFFECTED_SOP_INSTANCE_UID, INSTANCE, 0)
            .bytes(), encode(enc -> NCommands.response(enc, CommandField.N_SET_RQ, 6,
                Uid.MODALITY_PERFORMED_PROCEDURE_STEP, INSTANCE, refused, -1, false)));
        assertArrayEquals(new Expected()
            .text(CommandElement.AFFECTED_SOP_CLASS_UID, Uid.STORAGE_COMMITMENT_PUSH_MODEL, 0)
            .us(CommandElement.COMMAND_FIELD, 0x8130)
            .us(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, 5)
            .us(CommandElement.COMMAND_DATA_SET_TYPE, 0x0101)
            .us(CommandElement.STATUS, 0)
            .text(CommandElement.AFFECTED_SOP_INSTANCE_UID, Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, 0)
            .us(CommandElement.ACTION_TYPE_ID, 1)
            .bytes(), encode(enc -> NCommands.response(enc, CommandField.N_ACTION_RQ, 5,
                Uid.STORAGE_COMMITMENT_PUSH_MODEL, Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, NResponse.success(), 1,
                false)));
        final byte[] missing = encode(enc -> NCommands.response(enc, CommandField.N_CREATE_RQ, 2,
            Uid.MODALITY_PERFORMED_PROCEDURE_STEP, null, NResponse.of(Status.MISSING_ATTRIBUTE, null)
                .withAttributeIdentifiers(Tag.PERFORMED_PROCEDURE_STEP_STATUS), -1, false));
        final CommandDecoder decoder = new CommandDecoder().wrap(new UnsafeBuffer(missing), 0, missing.length);
        decoder.validate();
        assertEquals(1, decoder.attributeIdentifierCount());
        assertEquals(Tag.PERFORMED_PROCEDURE_STEP_STATUS, decoder.attributeIdentifier(0));
        assertFalse(decoder.contains(CommandElement.AFFECTED_SOP_INSTANCE_UID));
    }

    @Test
    void shouldBeReadByDcmdump() throws IOException, InterruptedException
    {
        final String dcmdump = locate("dcmdump");
        final byte[] action = encode(enc -> NCommands.request(enc, CommandField.N_ACTION_RQ, 5,
            Uid.STORAGE_COMMITMENT_PUSH_MODEL, Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, 1, null, true));
        final String actionDump = dump(dcmdump, action, "action");
        assertTrue(actionDump.contains("(0000,0003) UI [1.2.840.10008.1.20.1]"), actionDump);
        assertTrue(actionDump.contains("(0000,0100) US 304 "), actionDump);
        assertTrue(actionDump.contains("(0000,1001) UI [1.2.840.10008.1.20.1.1]"), actionDump);
        assertTrue(actionDump.contains("(0000,1008) US 1 "), actionDump);
        final byte[] refused = encode(enc -> NCommands.response(enc, CommandField.N_SET_RQ, 6,
            Uid.MODALITY_PERFORMED_PROCEDURE_STEP, INSTANCE, NResponse.of(Status.PROCESSING_FAILURE,
                "Performed Procedure Step Object may no longer be updated").withErrorId(0xA710), -1, false));
        final String setDump = dump(dcmdump, refused, "set");
        assertTrue(setDump.contains("(0000,0100) US 33056 "), setDump);
        assertTrue(setDump.contains("(0000,0900) US 272 "), setDump);
        assertTrue(setDump.contains("(0000,0902) LO [Performed Procedure Step Object may no longer be updated]"),
            setDump);
        assertTrue(setDump.contains("(0000,0903) US 42768 "), setDump);
        assertTrue(setDump.contains("(0000,1000) UI [" + INSTANCE + "]"), setDump);
    }

    private String dump(final String dcmdump, final byte[] bytes, final String name)
        throws IOException, InterruptedException
    {
        final Path file = dir.resolve(name + ".dcm");
        Files.write(file, bytes);
        final Path out = dir.resolve(name + ".txt");
        final Process process = new ProcessBuilder(dcmdump, "-f", "-ti", "-Un", "+L", file.toString())
            .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "dcmdump timed out");
        final String text = Files.readString(out);
        assertEquals(0, process.exitValue(), text);
        assertFalse(text.contains("W: ") || text.contains("E: "), text);
        return text;
    }

    /**
     * Finds a DCMTK tool where the interop tests look (DCMTK_HOME/bin, the PATH, the usual directories); a missing
     * tool fails the test on CI ({@code CI=true}) and skips it elsewhere.
     */
    private static String locate(final String tool)
    {
        final String home = System.getenv("DCMTK_HOME");
        final String dirs = (home == null || home.isBlank() ? "" : home + File.separator + "bin" + File.pathSeparator) +
            System.getenv("PATH") + File.pathSeparator + "/usr/bin:/usr/local/bin:/opt/dcmtk/bin";
        for (final String d : dirs.split(File.pathSeparator))
        {
            final File candidate = new File(d, tool);
            if (!d.isEmpty() && candidate.isFile() && candidate.canExecute())
            {
                return candidate.getAbsolutePath();
            }
        }
        if ("true".equals(System.getenv("CI")))
        {
            fail(tool + " (DCMTK) not found in " + dirs + ": it is required when CI=true");
        }
        Assumptions.abort(tool + " (DCMTK) not found in " + dirs + ": skipping");
        return null;
    }
}
