package org.dimse4j.dimse;

import static org.dimse4j.dimse.CommandElement.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.pdu.AbortReason;
import org.dimse4j.pdu.ProtocolException;
import org.junit.jupiter.api.Test;

/**
 * Bad command sets: each must throw {@link ProtocolException} naming what was wrong, never an index exception.
 */
class CommandDecoderMalformedTest
{
    private static final byte[] ECHO_RQ = Arrays.copyOfRange(CommandVectorsTest.V3, 12, CommandVectorsTest.V3.length);

    private final CommandDecoder decoder = new CommandDecoder();

    /** Builds raw command sets, with any lengths, tags and values. */
    private static final class Raw
    {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Raw element(final int tag, final int declaredLength, final byte[] value)
        {
            final ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            header.putShort((short)(tag >>> 16)).putShort((short)tag).putInt(declaredLength);
            out.writeBytes(header.array());
            out.writeBytes(value);
            return this;
        }

        Raw us(final int tag, final int value)
        {
            return element(tag, 2, new byte[] {(byte)value, (byte)(value >> 8)});
        }

        Raw ui(final int tag, final String uid)
        {
            final byte[] v = Arrays.copyOf(uid.getBytes(StandardCharsets.US_ASCII), uid.length() + (uid.length() & 1));
            return element(tag, v.length, v);
        }

        byte[] bytes()
        {
            return out.toByteArray();
        }

        /** Prefixes a correct Command Group Length. */
        byte[] withGroupLength()
        {
            final byte[] body = bytes();
            return new Raw().element(COMMAND_GROUP_LENGTH, 4, le32(body.length)).append(body).bytes();
        }

        Raw append(final byte[] bytes)
        {
            out.writeBytes(bytes);
            return this;
        }
    }

    private static byte[] le32(final int value)
    {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    private ProtocolException assertRejected(final byte[] bytes, final String expectedMessagePart)
    {
        final ProtocolException e = assertThrows(ProtocolException.class,
            () -> decoder.wrap(new UnsafeBuffer(bytes), 0, bytes.length).validate());
        assertTrue(e.getMessage().contains(expectedMessagePart),
            "message '" + e.getMessage() + "' should contain '" + expectedMessagePart + "'");
        assertEquals(AbortReason.INVALID_PDU_PARAMETER_VALUE, e.abortReason());
        assertFalse(decoder.contains(COMMAND_FIELD), "decoder must read as empty after a failure");
        return e;
    }

    private static Raw echoBody()
    {
        return new Raw().ui(AFFECTED_SOP_CLASS_UID, "1.2.840.10008.1.1").us(COMMAND_FIELD, 0x0030)
            .us(MESSAGE_ID, 1);
    }

    @Test
    void shouldRejectTruncatedElementHeader()
    {
        assertRejected(Arrays.copyOf(ECHO_RQ, 62), "element header at offset 58 needs 8 bytes, 4 left");
    }

    @Test
    void shouldRejectTruncatedValue()
    {
        assertRejected(Arrays.copyOf(ECHO_RQ, 66),
            "Command Data Set Type (0000,0800) value length 2 exceeds the 0 bytes left");
    }

    @Test
    void shouldRejectOddLength()
    {
        assertRejected(echoBody().element(COMMAND_DATA_SET_TYPE, 3, new byte[] {1, 1, 0}).withGroupLength(),
            "Command Data Set Type (0000,0800) has odd value length 3");
    }

    @Test
    void shouldRejectLengthBeyondCommandSet()
    {
        assertRejected(echoBody().element(COMMAND_DATA_SET_TYPE, 1000, new byte[] {1, 1}).bytes(),
            "value length 1000 exceeds the 2 bytes left");
    }

    @Test
    void shouldRejectUndefinedLength()
    {
        assertRejected(echoBody().element(COMMAND_DATA_SET_TYPE, -1, new byte[] {1, 1}).bytes(),
            "Command Data Set Type (0000,0800) has undefined length 0xFFFFFFFF");
    }

    @Test
    void shouldRejectHugeLengthWithoutOverflow()
    {
        assertRejected(echoBody().element(COMMAND_DATA_SET_TYPE, 0x7FFF_FFFF, new byte[] {1, 1}).bytes(),
            "value length 2147483647 exceeds");
        assertRejected(echoBody().element(COMMAND_DATA_SET_TYPE, 0x8000_0000, new byte[] {1, 1}).bytes(),
            "value length 2147483648 exceeds");
    }

    @Test
    void shouldRejectWrongGroup()
    {
        assertRejected(echoBody().ui(0x0008_0016, "1.2").bytes(),
            "contains (0008,0016) at offset 46: only group 0000 is allowed");
    }

    @Test
    void shouldRejectDescendingTags()
    {
        assertRejected(new Raw().us(MESSAGE_ID, 1).us(COMMAND_FIELD, 0x0030).bytes(),
            "tags out of order: Command Field (0000,0100) follows Message ID (0000,0110)");
    }

    @Test
    void shouldRejectRepeatedTag()
    {
        assertRejected(new Raw().us(COMMAND_FIELD, 0x0030).us(COMMAND_FIELD, 0x0030).bytes(),
            "tags out of order: Command Field (0000,0100) follows Command Field (0000,0100)");
    }

    @Test
    void shouldRejectGroupLengthMismatch()
    {
        final byte[] bytes = ECHO_RQ.clone();
        bytes[8] = 57;
        assertRejected(bytes, "Command Group Length (0000,0000) is 57 but 56 bytes follow it");
    }

    @Test
    void shouldRejectGroupLengthThatIsNotUl()
    {
        assertRejected(new Raw().element(COMMAND_GROUP_LENGTH, 2, new byte[] {0, 0}).bytes(),
            "Command Group Length (0000,0000) UL has invalid value length 2");
    }

    @Test
    void shouldRejectWrongLengthForVr()
    {
        assertRejected(echoBody().element(COMMAND_DATA_SET_TYPE, 4, new byte[] {1, 1, 0, 0}).bytes(),
            "Command Data Set Type (0000,0800) US has invalid value length 4");
        assertRejected(echoBody().element(OFFENDING_ELEMENT, 6, new byte[6]).bytes(),
            "Offending Element (0000,0901) AT has invalid value length 6");
        final String longUid = "1." + "2".repeat(70);
        assertRejected(new Raw().ui(AFFECTED_SOP_CLASS_UID, longUid).bytes(),
            "Affected SOP Class UID (0000,0002) UI has invalid value length 72");
        assertRejected(new Raw().element(MOVE_DESTINATION, 18, new byte[18]).bytes(),
            "Move Destination (0000,0600) AE has invalid value length 18");
    }

    @Test
    void shouldRejectCommandSetOutsideBuffer()
    {
        final ProtocolException e = assertThrows(ProtocolException.class,
            () -> decoder.wrap(new UnsafeBuffer(ECHO_RQ), 4, ECHO_RQ.length));
        assertTrue(e.getMessage().contains("does not lie within a buffer of 68 bytes"), e.getMessage());
        assertThrows(ProtocolException.class, () -> decoder.wrap(new UnsafeBuffer(ECHO_RQ), -1, 10));
        assertThrows(ProtocolException.class, () -> decoder.wrap(new UnsafeBuffer(ECHO_RQ), 0, -1));
        assertThrows(ProtocolException.class,
            () -> decoder.wrap(new UnsafeBuffer(ECHO_RQ), 10, Integer.MAX_VALUE));
    }

    @Test
    void shouldNameMissingMandatoryElement()
    {
        final List<CommandFixtures.Field> fields = CommandFixtures.typical(MessageType.C_STORE_RQ);
        fields.removeIf(f -> f.tag() == AFFECTED_SOP_INSTANCE_UID);
        assertRejected(CommandFixtures.encode(fields), "C-STORE-RQ is missing Affected SOP Instance UID (0000,1000)");
    }

    @Test
    void shouldNameEveryMissingMandatoryElementOfEveryType()
    {
        for (final MessageType type : MessageType.values())
        {
            for (int i = 0; i < type.mandatoryElementCount(); i++)
            {
                final int tag = type.mandatoryElement(i);
                final List<CommandFixtures.Field> fields = CommandFixtures.typical(type);
                assertTrue(fields.removeIf(f -> f.tag() == tag), type + " fixture lacks " + CommandElement.name(tag));
                final String expected = tag == COMMAND_FIELD ? "Command set is missing Command Field (0000,0100)" :
                    type.messageName() + " is missing " + CommandElement.name(tag);
                assertRejected(CommandFixtures.encode(fields), expected);
            }
        }
    }

    @Test
    void shouldRejectEmptyMandatoryUid()
    {
        final byte[] bytes = new Raw().element(AFFECTED_SOP_CLASS_UID, 0, new byte[0]).us(COMMAND_FIELD, 0x0030)
            .us(MESSAGE_ID, 1).us(COMMAND_DATA_SET_TYPE, 0x0101).withGroupLength();
        assertRejected(bytes, "C-ECHO-RQ has an empty Affected SOP Class UID (0000,0002)");
    }

    @Test
    void shouldRejectUnknownCommandField()
    {
        assertRejected(new Raw().us(COMMAND_FIELD, 0x0040).us(COMMAND_DATA_SET_TYPE, 0x0101).withGroupLength(),
            "unknown Command Field (0000,0100) 0x0040");
        assertRejected(new Raw().us(COMMAND_FIELD, 0x8FFF).us(COMMAND_DATA_SET_TYPE, 0x0101).withGroupLength(),
            "unknown Command Field (0000,0100) 0x8FFF");
    }

    @Test
    void shouldApplyDataSetTypeRules()
    {
        assertRejected(echoBody().us(COMMAND_DATA_SET_TYPE, 0x0001).withGroupLength(),
            "C-ECHO-RQ must not carry a data set but Command Data Set Type (0000,0800) is 0x0001");
        final List<CommandFixtures.Field> store = CommandFixtures.typical(MessageType.C_STORE_RQ);
        store.replaceAll(f -> f.tag() == COMMAND_DATA_SET_TYPE ? new CommandFixtures.Field(f.tag(), 0x0101) : f);
        assertRejected(CommandFixtures.encode(store), "C-STORE-RQ requires a data set");
        final List<CommandFixtures.Field> find = CommandFixtures.typical(MessageType.C_FIND_RSP);
        find.replaceAll(f -> f.tag() == STATUS ? new CommandFixtures.Field(f.tag(), 0) : f);
        assertRejected(CommandFixtures.encode(find), "C-FIND-RSP with Status 0x0000 must not carry an Identifier");
    }

    @Test
    void shouldApplyConditions()
    {
        final List<CommandFixtures.Field> move = CommandFixtures.typical(MessageType.C_MOVE_RQ);
        move.replaceAll(f -> f.tag() == PRIORITY ? new CommandFixtures.Field(f.tag(), 3) : f);
        assertRejected(CommandFixtures.encode(move), "C-MOVE-RQ has invalid Priority (0000,0700) 3");
        final List<CommandFixtures.Field> action = CommandFixtures.typical(MessageType.N_ACTION_RSP);
        action.removeIf(f -> f.tag() == ACTION_TYPE_ID);
        action.replaceAll(f -> f.tag() == COMMAND_DATA_SET_TYPE ? new CommandFixtures.Field(f.tag(), 1) : f);
        assertRejected(CommandFixtures.encode(action),
            "N-ACTION-RSP carries an Action Reply but is missing Action Type ID (0000,1008)");
        final List<CommandFixtures.Field> event = CommandFixtures.typical(MessageType.N_EVENT_REPORT_RSP);
        event.removeIf(f -> f.tag() == EVENT_TYPE_ID);
        event.replaceAll(f -> f.tag() == COMMAND_DATA_SET_TYPE ? new CommandFixtures.Field(f.tag(), 1) : f);
        assertRejected(CommandFixtures.encode(event),
            "N-EVENT-REPORT-RSP carries an Event Reply but is missing Event Type ID (0000,1002)");
    }

    @Test
    void shouldTolerateMissingGroupLengthRetiredElementsSpacePaddingAndMessageIdInResponse()
    {
        final byte[] bytes = new Raw()
            .element(AFFECTED_SOP_CLASS_UID, 18, "1.2.840.10008.1.1 ".getBytes(StandardCharsets.US_ASCII))
            .us(COMMAND_FIELD, 0x8030).us(MESSAGE_ID, 5).us(MESSAGE_ID_BEING_RESPONDED_TO, 5)
            .element(0x0000_0200, 4, "AE  ".getBytes(StandardCharsets.US_ASCII))
            .us(COMMAND_DATA_SET_TYPE, 0x0101).us(0x0000_0850, 3).us(STATUS, 0)
            .element(0x0000_51B0, 4, new byte[4])
            .bytes();
        decoder.wrap(new UnsafeBuffer(bytes), 0, bytes.length).validate();
        assertEquals(-1, decoder.commandGroupLength());
        assertEquals(5, decoder.messageIdBeingRespondedTo());
        assertEquals(17, decoder.uidLength(AFFECTED_SOP_CLASS_UID));
        assertTrue(decoder.uidEquals(AFFECTED_SOP_CLASS_UID, CommandEncoder.VERIFICATION_SOP_CLASS_UID));
        assertFalse(decoder.contains(0x0000_0850));
        assertEquals(-1, decoder.valueOffset(0x0000_0850));
        assertEquals(bytes.length, decoder.encodedLength());
    }

    /**
     * 100,000 mutated or truncated command sets of every type, fixed seed: only ProtocolException may escape wrap,
     * validate and every accessor. Bounds checks are on in tests, and each input sits at the very end of an
     * exact-size buffer, so any read past the command set would throw an index exception.
     */
    @Test
    void shouldOnlyThrowProtocolExceptionOnRandomMutations()
    {
        final Random random = new Random(0x0D1C0AL);
        final MessageType[] types = MessageType.values();
        final byte[][] valid = new byte[types.length][];
        for (int i = 0; i < types.length; i++)
        {
            valid[i] = CommandFixtures.encode(CommandFixtures.typical(types[i]));
        }
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
        int rejected = 0;
        for (int round = 0; round < 100_000; round++)
        {
            final byte[] source = valid[random.nextInt(valid.length)];
            byte[] mutated = source.clone();
            final int kind = random.nextInt(4);
            if (kind != 1)
            {
                final int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips; i++)
                {
                    final int at = random.nextInt(mutated.length);
                    mutated[at] = (byte)(random.nextInt(8) == 0 ? 0xFF : random.nextInt(256));
                }
            }
            if (kind >= 1)
            {
                mutated = Arrays.copyOf(mutated, random.nextInt(mutated.length + 1));
            }
            final int offset = random.nextInt(3);
            final byte[] framed = new byte[offset + mutated.length];
            System.arraycopy(mutated, 0, framed, offset, mutated.length);
            try
            {
                decoder.wrap(new UnsafeBuffer(framed), offset, mutated.length);
                readEverything(decoder, scratch);
                decoder.validate();
            }
            catch (final ProtocolException expected)
            {
                rejected++;
            }
        }
        assertTrue(rejected > 50_000, "most mutations should be rejected, got " + rejected);
    }

    private static void readEverything(final CommandDecoder d, final UnsafeBuffer scratch)
    {
        long sink = d.commandField() + d.messageId() + d.messageIdBeingRespondedTo() + d.status() + d.priority() +
            d.commandDataSetType() + d.encodedLength() + d.commandGroupLength() + (d.hasDataSet() ? 1 : 0);
        for (int i = 0; i < CommandElement.COUNT; i++)
        {
            final int tag = CommandElement.tagAt(i);
            sink += d.valueOffset(tag) + d.valueLength(tag) + d.us(tag) + d.uidLength(tag) + d.atCount(tag);
            if (d.contains(tag))
            {
                final int vr = CommandElement.vr(tag);
                if (vr == VR_UI || vr == VR_AE || vr == VR_LO)
                {
                    sink += d.copyUid(tag, scratch, 0);
                    sink += d.string(tag).length();
                    sink += d.uidEquals(tag, scratch, 0, 10) ? 1 : 0;
                }
                for (int j = 0; j < d.atCount(tag); j++)
                {
                    sink += d.at(tag, j);
                }
            }
        }
        assertTrue(sink != Long.MIN_VALUE);
    }
}
