package org.dimse4j.pdu;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Malformed input: every fault must surface as a {@link ProtocolException} carrying the A-ABORT reason for it,
 * never as an index or allocation failure. Buffers are sized exactly to the bytes under test, and Agrona's
 * bounds checks are on (surefire argLine), so any read past the input shows up as an index exception.
 * <p>
 * Offsets used below (see {@code vectors.md}). V1: application context item 74, presentation context item 99
 * (abstract syntax 107, transfer syntaxes 128 and 149), user information item 172 (0x51 at 176, 0x52 at 184,
 * 0x53 at 232, 0x54 at 240, 0x55 at 265, 0x58 at 280), end 295. V2: application context 74, presentation context
 * 99 (transfer syntax 107), user information 128 (0x51 at 132 ... 0x55 at 221), end 236.
 */
class MalformedPduTest
{
    private static final int INVALID = AbortReason.INVALID_PDU_PARAMETER_VALUE;
    private static final int UNEXPECTED = AbortReason.UNEXPECTED_PDU_PARAMETER;
    private static final int MUTATIONS = 200_000;

    private static final int V1_PC = 99;
    private static final int V1_AS = 107;
    private static final int V1_UI = 172;
    private static final int V1_ROLE = 240;
    private static final int V1_IDENTITY = 280;
    private static final int V2_PC = 99;
    private static final int V2_UI = 128;

    private final PduFramer framer = new PduFramer(16384, 1 << 16);
    private final AssociateDecoder associateDecoder = new AssociateDecoder();
    private final PDataDecoder pDataDecoder = new PDataDecoder();
    private final AssociatePdu model = new AssociatePdu();

    // ---------------------------------------------------------------------------------------------------------------
    // Truncation and headers
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void shouldSayIncompleteForEveryTruncation()
    {
        for (int v = 0; v < Vectors.HEX.length; v++)
        {
            final byte[] pdu = Vectors.bytes(v);
            for (int cut = 0; cut < pdu.length; cut++)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(Arrays.copyOf(pdu, cut));
                final int expected = cut < PduDescriptor.HEADER_LENGTH ? -PduDescriptor.HEADER_LENGTH : -pdu.length;
                assertEquals(expected, framer.frame(buffer, 0, cut), Vectors.NAMES[v] + " cut at " + cut);
            }
        }
    }

    @Test
    void shouldRejectAssociatePdusDecodedWithAnInconsistentLength()
    {
        for (int v = 0; v < 2; v++)
        {
            final byte[] pdu = Vectors.bytes(v);
            for (int cut = 0; cut < pdu.length; cut++)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(Arrays.copyOf(pdu, cut));
                final int length = cut;
                expect(INVALID, () -> associateDecoder.decode(buffer, 0, length, model),
                    Vectors.NAMES[v] + " cut at " + cut);
            }
            final UnsafeBuffer longer = new UnsafeBuffer(Arrays.copyOf(pdu, pdu.length + 8));
            expect(INVALID, () -> associateDecoder.decode(longer, 0, pdu.length + 8, model), "8 bytes too many");
        }
    }

    @Test
    void shouldRejectPDataDecodedWithAnInconsistentLength()
    {
        for (int v = 2; v < 4; v++)
        {
            final byte[] pdu = Vectors.bytes(v);
            for (int cut = 0; cut < pdu.length; cut++)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(Arrays.copyOf(pdu, cut));
                final int length = cut;
                expect(INVALID, () -> walk(buffer, 0, length), Vectors.NAMES[v] + " cut at " + cut);
            }
            final UnsafeBuffer longer = new UnsafeBuffer(Arrays.copyOf(pdu, pdu.length + 10));
            longer.putInt(pdu.length, 6, PduDescriptor.BYTE_ORDER);
            longer.putByte(pdu.length + 4, (byte)1);
            expect(INVALID, () -> walk(longer, 0, pdu.length + 10), "a PDV behind the PDU's own length");
        }
    }

    @Test
    void shouldRejectUnknownPduTypes()
    {
        for (final int type : new int[]{0x00, 0x08, 0x09, 0x10, 0x7F, 0x80, 0xFF})
        {
            for (final long length : new long[]{0, 4, 74, 0xFFFF_FFFFL})
            {
                final UnsafeBuffer buffer = header(type, length, 0);
                expect(AbortReason.UNRECOGNIZED_PDU, () -> framer.frame(buffer, 0, 6), "type " + type);
            }
        }
    }

    @Test
    void shouldRejectFixedPdusWhoseLengthIsNotFour()
    {
        for (final int type : new int[]{0x03, 0x05, 0x06, 0x07})
        {
            for (final long length : new long[]{0, 1, 3, 5, 6, 74, 0xFFFF, 0x8000_0000L, 0xFFFF_FFFFL})
            {
                final UnsafeBuffer buffer = header(type, length, 4);
                expect(INVALID, () -> framer.frame(buffer, 0, 10), "type " + type + " length " + length);
            }
            assertEquals(10, framer.frame(header(type, 4, 4), 0, 10));
        }
    }

    @Test
    void shouldRejectPDataOverTheMaximumAndShortOfOnePdv()
    {
        expect(INVALID, () -> framer.frame(header(0x04, 16385, 0), 0, 6), "max + 1");
        expect(INVALID, () -> framer.frame(header(0x04, 0x7FFF_FFFFL, 0), 0, 6), "2^31 - 1");
        assertEquals(-(16384 + 6), framer.frame(header(0x04, 16384, 0), 0, 6));
        for (int length = 0; length < PdvDescriptor.HEADER_LENGTH; length++)
        {
            final int l = length;
            expect(INVALID, () -> framer.frame(header(0x04, l, l), 0, 6 + l), "P-DATA-TF length " + length);
        }
        expect(INVALID, () -> framer.frame(header(0x01, 67, 67), 0, 73), "A-ASSOCIATE-RQ shorter than its fields");
        expect(INVALID, () -> framer.frame(header(0x02, 0x10001, 0), 0, 6), "A-ASSOCIATE-AC over maxOtherLength");
    }

    @Test
    void shouldRejectTheLargestPduLengthForEveryTypeWhateverTheLimits()
    {
        final PduFramer[] framers =
        {
            framer,
            new PduFramer(0, PduDescriptor.MIN_ASSOCIATE_BODY_LENGTH),
            new PduFramer(0, Integer.MAX_VALUE - PduDescriptor.HEADER_LENGTH),
            new PduFramer(Integer.MAX_VALUE - PduDescriptor.HEADER_LENGTH,
                Integer.MAX_VALUE - PduDescriptor.HEADER_LENGTH),
        };
        for (final PduFramer f : framers)
        {
            for (int type = 0; type <= 0xFF; type++)
            {
                for (final long length : new long[]{0xFFFF_FFFFL, 0xFFFF_FFFAL, 0x8000_0000L, 0x7FFF_FFFAL})
                {
                    final UnsafeBuffer buffer = header(type, length, 0);
                    final int t = type;
                    final ProtocolException ex = assertThrows(ProtocolException.class, () -> f.frame(buffer, 0, 6),
                        "type " + t + " length " + length + " limit " + f.maxFrameLength());
                    final int reason = type >= 1 && type <= 7 ? INVALID : AbortReason.UNRECOGNIZED_PDU;
                    assertEquals(reason, ex.abortReason(), ex.getMessage());
                }
            }
        }
    }

    @Test
    void shouldRefuseLimitsWhoseFramesDoNotFitAnInt()
    {
        assertThrows(IllegalArgumentException.class, () -> new PduFramer(0, 0xFFFF_FFFFL));
        assertThrows(IllegalArgumentException.class, () -> new PduFramer(0xFFFF_FFFFL, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class,
            () -> new PduFramer(0, Integer.MAX_VALUE - PduDescriptor.HEADER_LENGTH + 1));
        assertThrows(IllegalArgumentException.class,
            () -> new PduFramer(0, PduDescriptor.MIN_ASSOCIATE_BODY_LENGTH - 1));
        assertThrows(IllegalArgumentException.class, () -> framer.limits(16384, 0xFFFF_FFFFL));
        assertEquals(Integer.MAX_VALUE, new PduFramer(0xFFFF_FFFFL, Integer.MAX_VALUE - 6).maxFrameLength());
    }

    @Test
    void shouldRejectAnAssociateDecodeOfAnotherPduType()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(Arrays.copyOf(Vectors.bytes(0), 295));
        buffer.putByte(0, (byte)0x04);
        expect(AbortReason.UNEXPECTED_PDU, () -> associateDecoder.decode(buffer, 0, 295, model), "P-DATA-TF type");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Item and sub-item lengths
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void shouldRejectItemLengthsThatRunPastThePdu()
    {
        expectAssociate(INVALID, setShort(Vectors.bytes(0), 74 + 2, 0xFFFF), "application context 0xFFFF");
        expectAssociate(INVALID, setShort(Vectors.bytes(0), V1_PC + 2, 69 + 124), "presentation context + 124");
        expectAssociate(INVALID, setShort(Vectors.bytes(0), V1_UI + 2, 120), "user information + 1");
        expectAssociate(INVALID, setShort(Vectors.bytes(1), V2_UI + 2, 105), "AC user information + 1");
        expectAssociate(INVALID, splice(Vectors.bytes(0), 295, 0, new byte[]{0x60, 0, 0}), "3 trailing bytes");
        expectAssociate(INVALID, splice(Vectors.bytes(0), 295, 0, new byte[]{0x60, 0, 0, 1}), "item header only");
    }

    @Test
    void shouldRejectSubItemLengthsThatRunPastTheirItem()
    {
        expectAssociate(INVALID, setShort(Vectors.bytes(0), V1_AS + 2, 0x40), "abstract syntax past its context");
        expectAssociate(INVALID, setShort(Vectors.bytes(0), 149 + 2, 20), "last transfer syntax + 1");
        expectAssociate(INVALID, setShort(Vectors.bytes(0), 176 + 2, 200), "0x51 past user information");
        expectAssociate(INVALID, setShort(Vectors.bytes(0), V1_IDENTITY + 2, 12), "0x58 + 1");
        expectAssociate(INVALID, setShort(Vectors.bytes(1), 107 + 2, 18), "AC transfer syntax + 1");
        expectAssociate(INVALID, setShort(Vectors.bytes(1), 221 + 2, 0xFFFF), "0x55 0xFFFF");
    }

    @Test
    void shouldRejectBadFixedSubItemLengths()
    {
        for (final int length : new int[]{0, 3, 5, 8})
        {
            expectAssociate(INVALID, resize(Vectors.bytes(0), 176, 4, length), "0x51 of length " + length);
            expectAssociate(INVALID, resize(Vectors.bytes(0), 232, 4, length), "0x53 of length " + length);
        }
        expectAssociate(INVALID, splice(Vectors.bytes(0), 184, 0, Arrays.copyOfRange(Vectors.bytes(0), 176, 184),
            V1_UI), "two 0x51");
        expectAssociate(INVALID, resize(Vectors.bytes(0), 265, 11, 17), "0x55 of 17 characters");
        expectAssociate(INVALID, resize(Vectors.bytes(0), 184, 44, 0), "empty implementation class UID");
        expectAssociate(INVALID, resize(Vectors.bytes(0), V1_AS, 17, 66), "abstract syntax of 66 bytes");
        expectAssociate(INVALID, resize(Vectors.bytes(0), 74, 21, 0), "empty application context name");
    }

    @Test
    void shouldRejectBadPresentationContextItemLengths()
    {
        for (final int length : new int[]{0, 1, 3})
        {
            expectAssociate(INVALID, resize(Vectors.bytes(0), V1_PC, 69, length), "RQ context of " + length);
            expectAssociate(INVALID, resize(Vectors.bytes(1), V2_PC, 25, length), "AC context of " + length);
        }
        expectAssociate(INVALID, resize(Vectors.bytes(0), V1_PC, 69, 4), "RQ context without sub-items");
        expectAssociate(INVALID, resize(Vectors.bytes(0), V1_PC, 69, 25), "RQ context without transfer syntax");
        expectAssociate(INVALID, resize(Vectors.bytes(1), V2_PC, 25, 4), "accepted AC context without syntax");
        final byte[] twoAccepted = splice(Vectors.bytes(1), 128, 0, Arrays.copyOfRange(Vectors.bytes(1), 107, 128),
            V2_PC);
        expectAssociate(INVALID, twoAccepted, "accepted AC context with two transfer syntaxes");
        final byte[] badResult = Vectors.bytes(1);
        badResult[V2_PC + 6] = 5;
        expectAssociate(INVALID, badResult, "AC context result 5");
    }

    @Test
    void shouldAcceptARejectedContextWithoutOrWithAGarbageTransferSyntax()
    {
        final byte[] without = resize(Vectors.bytes(1), V2_PC, 25, 4);
        without[V2_PC + 6] = 3;
        decodeAssociate(without);
        assertEquals(AssociatePdu.PresentationContext.result(1, 3, null), model.presentationContexts().get(0));

        final byte[] garbage = resize(Vectors.bytes(1), 107, 17, 0);
        garbage[V2_PC + 6] = 4;
        decodeAssociate(garbage);
        assertEquals(AssociatePdu.PresentationContext.result(1, 4, null), model.presentationContexts().get(0));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Items out of place
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void shouldRejectAnAcContextItemInARequestAndAnRqContextItemInAnAccept()
    {
        final byte[] rq = Vectors.bytes(0);
        rq[V1_PC] = 0x21;
        expectAssociate(UNEXPECTED, rq, "0x21 in an RQ");
        final byte[] ac = Vectors.bytes(1);
        ac[V2_PC] = 0x20;
        expectAssociate(UNEXPECTED, ac, "0x20 in an AC");
    }

    @Test
    void shouldRejectSubItemsAtTopLevel()
    {
        final byte[] abstractSyntax = Arrays.copyOfRange(Vectors.bytes(0), V1_AS, V1_AS + 21);
        expectAssociate(UNEXPECTED, splice(Vectors.bytes(0), V1_UI, 0, abstractSyntax), "0x30 at top level");
        for (final int type : new int[]{0x30, 0x40, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59})
        {
            final byte[] item = {(byte)type, 0, 0, 4, 0, 0, 0, 0};
            expectAssociate(UNEXPECTED, splice(Vectors.bytes(0), V1_UI, 0, item), "RQ top-level type " + type);
            expectAssociate(UNEXPECTED, splice(Vectors.bytes(1), V2_UI, 0, item), "AC top-level type " + type);
        }
    }

    @Test
    void shouldRejectSubItemsOutOfPlaceInAPresentationContext()
    {
        final byte[] v1 = Vectors.bytes(0);
        expectAssociate(UNEXPECTED, splice(Vectors.bytes(0), V1_AS, 0, Arrays.copyOfRange(v1, 128, 149), V1_PC),
            "transfer syntax before abstract syntax");
        expectAssociate(UNEXPECTED, splice(Vectors.bytes(0), 128, 0, Arrays.copyOfRange(v1, V1_AS, 128), V1_PC),
            "two abstract syntaxes");
        expectAssociate(UNEXPECTED, splice(Vectors.bytes(0), V1_UI, 0, Arrays.copyOfRange(v1, 176, 184), V1_PC),
            "0x51 in a presentation context");
        expectAssociate(UNEXPECTED, splice(Vectors.bytes(1), 128, 0, Arrays.copyOfRange(v1, 176, 184), V2_PC),
            "0x51 in an AC presentation context");
        expectAssociate(UNEXPECTED, splice(Vectors.bytes(1), 107, 0, Arrays.copyOfRange(v1, V1_AS, 128), V2_PC),
            "abstract syntax in an AC presentation context");
    }

    @Test
    void shouldRejectUserInformationSubItemsOfTheOtherSide()
    {
        final byte[] v1 = Vectors.bytes(0);
        final byte[] identity = Arrays.copyOfRange(v1, V1_IDENTITY, 295);
        expectAssociate(UNEXPECTED, splice(Vectors.bytes(1), 236, 0, identity, V2_UI), "0x58 in an AC");
        final byte[] response = {0x59, 0, 0, 2, 0, 0};
        expectAssociate(UNEXPECTED, splice(Vectors.bytes(0), 295, 0, response, V1_UI), "0x59 in an RQ");
        final byte[] common = {0x57, 0, 0, 8, 0, 1, '1', 0, 1, '2', 0, 0};
        decodeAssociate(splice(Vectors.bytes(0), V1_IDENTITY, 0, common, V1_UI));
        assertEquals(1, model.commonExtendedNegotiations().size());
        expectAssociate(UNEXPECTED, splice(Vectors.bytes(1), 236, 0, common, V2_UI), "0x57 in an AC");
    }

    @Test
    void shouldRejectWrongItemCounts()
    {
        final byte[] v1 = Vectors.bytes(0);
        final byte[] applicationContext = Arrays.copyOfRange(v1, 74, V1_PC);
        expectAssociate(INVALID, splice(Vectors.bytes(0), V1_PC, 0, applicationContext), "two application contexts");
        expectAssociate(INVALID, splice(Vectors.bytes(0), 74, 25, new byte[0]), "no application context");
        expectAssociate(INVALID, splice(Vectors.bytes(0), V1_PC, 73, new byte[0]), "no presentation context");
        expectAssociate(INVALID, splice(Vectors.bytes(1), V2_PC, 29, new byte[0]), "AC: no presentation context");
        expectAssociate(INVALID, splice(Vectors.bytes(0), V1_UI, 123, new byte[0]), "no user information");
        expectAssociate(INVALID, splice(Vectors.bytes(1), V2_UI, 108, new byte[0]), "AC: no user information");
        expectAssociate(INVALID, splice(Vectors.bytes(0), 295, 0, Arrays.copyOfRange(v1, V1_UI, 295)),
            "two user information items");
        expectAssociate(INVALID, splice(Vectors.bytes(0), 74, 221, new byte[0]), "no items at all");
    }

    @Test
    void shouldSkipUnknownItemsAndSubItems()
    {
        final byte[] unknown = {0x60, 0, 0, 3, 1, 2, 3};
        decodeAssociate(splice(Vectors.bytes(0), V1_UI, 0, unknown));
        final AssociatePdu withItem = copyOf(model);
        decodeAssociate(splice(Vectors.bytes(0), 295, 0, new byte[]{0x5F, 0, 0, 0}, V1_UI));
        final AssociatePdu withSubItem = copyOf(model);
        decodeAssociate(Vectors.bytes(0));
        assertEquals(model.toString(), withItem.toString());
        assertEquals(model.toString(), withSubItem.toString());
        assertEquals(model.userIdentity(), withSubItem.userIdentity());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // User identity and role selection fields
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void shouldRejectUserIdentityOfAnUndefinedType()
    {
        for (final int type : new int[]{0, 6, 0x7F, 0xFF})
        {
            final byte[] rq = Vectors.bytes(0);
            rq[V1_IDENTITY + 4] = (byte)type;
            expectAssociate(INVALID, rq, "user identity type " + type);
        }
        for (int type = 1; type <= 5; type++)
        {
            final byte[] rq = Vectors.bytes(0);
            rq[V1_IDENTITY + 4] = (byte)type;
            assertEquals(type, decodeAssociate(rq).userIdentity().type());
        }
    }

    @Test
    void shouldRejectUserIdentityWithInconsistentLengths()
    {
        final int primaryLength = V1_IDENTITY + 6;
        final int secondaryLength = V1_IDENTITY + 8 + 5;
        for (final int p : new int[]{0, 4, 6, 7, 0xFFFF})
        {
            expectAssociate(INVALID, setShort(Vectors.bytes(0), primaryLength, p), "primary length " + p);
        }
        for (final int s : new int[]{1, 2, 0xFFFF})
        {
            expectAssociate(INVALID, setShort(Vectors.bytes(0), secondaryLength, s), "secondary length " + s);
        }
        expectAssociate(INVALID, splice(Vectors.bytes(0), 295, 0, new byte[]{0}, V1_UI, V1_IDENTITY),
            "one byte after the secondary field");
        for (final int length : new int[]{0, 1, 5})
        {
            expectAssociate(INVALID, resize(Vectors.bytes(0), V1_IDENTITY, 11, length), "0x58 of " + length);
        }
        final byte[] response = {0x59, 0, 0, 4, 0, 3, 1, 2};
        expectAssociate(INVALID, splice(Vectors.bytes(1), 236, 0, response, V2_UI), "0x59 response length 3 of 2");
        final byte[] tooLong = {0x59, 0, 0, 4, 0, 1, 1, 2};
        expectAssociate(INVALID, splice(Vectors.bytes(1), 236, 0, tooLong, V2_UI), "0x59 response length 1 of 2");
        final byte[] tooShort = {0x59, 0, 0, 1, 0};
        expectAssociate(INVALID, splice(Vectors.bytes(1), 236, 0, tooShort, V2_UI), "0x59 of length 1");
    }

    @Test
    void shouldRejectRoleSelectionWithAnInconsistentUidLength()
    {
        for (final int n : new int[]{0, 16, 18, 19, 0xFFFF})
        {
            expectAssociate(INVALID, setShort(Vectors.bytes(0), V1_ROLE + 4, n), "role UID length " + n);
            expectAssociate(INVALID, setShort(Vectors.bytes(1), 196 + 4, n), "AC role UID length " + n);
        }
        for (final int length : new int[]{0, 1, 3})
        {
            expectAssociate(INVALID, resize(Vectors.bytes(0), V1_ROLE, 21, length), "0x54 of " + length);
        }
    }

    @Test
    void shouldRejectExtendedNegotiationWithInconsistentLengths()
    {
        final byte[] extended = {0x56, 0, 0, 5, 0, 4, '1', '.', '2'};
        expectAssociate(INVALID, splice(Vectors.bytes(0), V1_IDENTITY, 0, extended, V1_UI), "0x56 UID length 4 of 3");
        final byte[] common = {0x57, 0, 0, 8, 0, 1, '1', 0, 1, '2', 0, 2};
        expectAssociate(INVALID, splice(Vectors.bytes(0), V1_IDENTITY, 0, common, V1_UI), "0x57 related 2 of 0");
        final byte[] related = {0x57, 0, 0, 12, 0, 1, '1', 0, 1, '2', 0, 4, 0, 3, '3', '4'};
        expectAssociate(INVALID, splice(Vectors.bytes(0), V1_IDENTITY, 0, related, V1_UI), "0x57 pair 3 of 2");
        final byte[] shortService = {0x57, 0, 0, 5, 0, 1, '1', 0, 5};
        expectAssociate(INVALID, splice(Vectors.bytes(0), V1_IDENTITY, 0, shortService, V1_UI), "0x57 service 5");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // P-DATA-TF
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void shouldRejectPdvItemLengthsBelowTwoOrPastThePdu()
    {
        for (final long itemLength : new long[]{0, 1, 71, 72, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL})
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(Vectors.bytes(2));
            buffer.putInt(6, (int)itemLength, PduDescriptor.BYTE_ORDER);
            expect(INVALID, () -> walk(buffer, 0, 80), "PDV item-length " + itemLength);
        }
        for (int trailing = 1; trailing < 6; trailing++)
        {
            final byte[] bytes = Arrays.copyOf(Vectors.bytes(2), 80 + trailing);
            setInt(bytes, 2, 74 + trailing);
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            assertEquals(bytes.length, framer.frame(buffer, 0, bytes.length));
            expect(INVALID, () -> walk(buffer, 0, bytes.length), trailing + " trailing bytes");
        }
    }

    @Test
    void shouldAcceptAnEmptyFragmentAndSeveralPdvs()
    {
        final byte[] bytes = Vectors.hex("04000000000c" + "000000020101" + "000000020302");
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        assertEquals(18, framer.frame(buffer, 0, 18));
        pDataDecoder.wrap(buffer, 0, 18);
        assertTrue(pDataDecoder.nextPdv());
        assertEquals(1, pDataDecoder.contextId());
        assertEquals(0x01, pDataDecoder.controlHeader());
        assertEquals(0, pDataDecoder.fragmentLength());
        assertTrue(pDataDecoder.nextPdv());
        assertEquals(3, pDataDecoder.contextId());
        assertEquals(0x02, pDataDecoder.controlHeader());
        assertEquals(18, pDataDecoder.fragmentOffset());
        assertFalse(pDataDecoder.nextPdv());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Random mutations
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void shouldOnlyEverThrowProtocolExceptionOnRandomMutations()
    {
        final long seed = Long.getLong("pdu.seed", System.nanoTime());
        final Random random = new Random(seed);
        final byte[][] bases = {Vectors.bytes(0), Vectors.bytes(1), Vectors.bytes(2)};
        final int[][] lengthFields = {v1LengthFields(), v2LengthFields(), {2, 4, 6, 8}};
        final int[] outcomes = new int[3];
        for (int i = 0; i < MUTATIONS; i++)
        {
            final int which = random.nextInt(bases.length);
            final byte[] mutated = mutate(random, bases[which], lengthFields[which]);
            try
            {
                outcomes[feed(mutated)]++;
            }
            catch (final Throwable t)
            {
                fail("seed=" + seed + " mutation " + i + " of " + Vectors.NAMES[which] + " threw " + t + "\n" +
                    Vectors.toHex(mutated), t);
            }
        }
        assertTrue(outcomes[0] > 0 && outcomes[1] > 0 && outcomes[2] > 0, Arrays.toString(outcomes));
    }

    /** @return 0 if a decoder accepted it, 1 if it was rejected, 2 if the framer wants more bytes. */
    private int feed(final byte[] bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        int outcome = 2;
        try
        {
            final int framed = framer.frame(buffer, 0, bytes.length);
            if (framed > 0)
            {
                decodeByType(buffer, framed);
                outcome = 0;
            }
        }
        catch (final ProtocolException ex)
        {
            checkReason(ex);
            outcome = 1;
        }
        // the decoders straight, with whatever length the bytes have
        try
        {
            associateDecoder.decode(buffer, 0, bytes.length, model);
        }
        catch (final ProtocolException ex)
        {
            checkReason(ex);
        }
        try
        {
            walk(buffer, 0, bytes.length);
        }
        catch (final ProtocolException ex)
        {
            checkReason(ex);
        }
        return outcome;
    }

    private void decodeByType(final UnsafeBuffer buffer, final int length)
    {
        switch (PduDescriptor.pduType(buffer, 0))
        {
            case PduDescriptor.A_ASSOCIATE_RQ:
            case PduDescriptor.A_ASSOCIATE_AC:
                associateDecoder.decode(buffer, 0, length, model);
                AssociateEncoder.encodedLength(model);
                break;
            case PduDescriptor.P_DATA_TF:
                walk(buffer, 0, length);
                break;
            case PduDescriptor.A_ASSOCIATE_RJ:
                FixedPduCodec.describeReject(FixedPduCodec.rejectResult(buffer, 0),
                    FixedPduCodec.rejectSource(buffer, 0), FixedPduCodec.rejectReason(buffer, 0));
                break;
            case PduDescriptor.A_ABORT:
                AbortReason.describe(FixedPduCodec.abortSource(buffer, 0), FixedPduCodec.abortReason(buffer, 0));
                break;
            default:
                assertEquals(10, length);
                break;
        }
    }

    private static void checkReason(final ProtocolException ex)
    {
        final int reason = ex.abortReason();
        assertTrue(reason == AbortReason.UNRECOGNIZED_PDU || reason == AbortReason.UNEXPECTED_PDU ||
            reason == UNEXPECTED || reason == INVALID, "reason " + reason + ": " + ex.getMessage());
    }

    private static byte[] mutate(final Random random, final byte[] base, final int[] lengthFields)
    {
        byte[] bytes = base.clone();
        final int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && bytes.length > 0; m++)
        {
            switch (random.nextInt(5))
            {
                case 0:
                    bytes[random.nextInt(bytes.length)] = (byte)random.nextInt(256);
                    break;
                case 1:
                    bytes[random.nextInt(bytes.length)] ^= (byte)(1 << random.nextInt(8));
                    break;
                case 2:
                    bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                    break;
                case 3:
                {
                    final int at = lengthFields[random.nextInt(lengthFields.length)];
                    if (at + 1 < bytes.length)
                    {
                        final int value = interesting(random);
                        bytes[at] = (byte)(value >> 8);
                        bytes[at + 1] = (byte)value;
                    }
                    break;
                }
                default:
                {
                    final int at = lengthFields[random.nextInt(lengthFields.length)];
                    if (at + 1 < bytes.length)
                    {
                        final int value = ((bytes[at] & 0xFF) << 8 | (bytes[at + 1] & 0xFF)) + random.nextInt(9) - 4;
                        bytes[at] = (byte)(value >> 8);
                        bytes[at + 1] = (byte)value;
                    }
                    break;
                }
            }
        }
        if (bytes.length >= PduDescriptor.HEADER_LENGTH && random.nextBoolean())
        {
            setInt(bytes, 2, bytes.length - PduDescriptor.HEADER_LENGTH);
        }
        return bytes;
    }

    private static int interesting(final Random random)
    {
        switch (random.nextInt(6))
        {
            case 0: return 0;
            case 1: return 0xFFFF;
            case 2: return 0x8000;
            case 3: return 1 + random.nextInt(8);
            case 4: return 0x7FFF;
            default: return random.nextInt(0x10000);
        }
    }

    /** Offsets of the high half of every 2-byte length in V1 (and of the 4-byte PDU-length's low half). */
    private static int[] v1LengthFields()
    {
        return new int[]{2, 4, 76, 101, 109, 130, 151, 174, 178, 186, 234, 242, 244, 267, 282, 286, 293};
    }

    private static int[] v2LengthFields()
    {
        return new int[]{2, 4, 76, 101, 109, 130, 134, 142, 190, 198, 200, 223};
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------------

    private void walk(final UnsafeBuffer buffer, final int offset, final int length)
    {
        pDataDecoder.wrap(buffer, offset, length);
        while (pDataDecoder.nextPdv())
        {
            pDataDecoder.contextId();
            pDataDecoder.controlHeader();
            pDataDecoder.isCommand();
            pDataDecoder.isLast();
            final int from = pDataDecoder.fragmentOffset();
            final int n = pDataDecoder.fragmentLength();
            assertTrue(from >= offset + 12 && n >= 0 && from + n <= offset + length, "fragment inside the PDU");
            if (n > 0)
            {
                buffer.getByte(from);
                buffer.getByte(from + n - 1);
            }
        }
    }

    private AssociatePdu decodeAssociate(final byte[] bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        assertEquals(bytes.length, framer.frame(buffer, 0, bytes.length), "frames");
        return associateDecoder.decode(buffer, 0, bytes.length, model);
    }

    private void expectAssociate(final int reason, final byte[] bytes, final String what)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        expect(reason, () ->
        {
            final int length = framer.frame(buffer, 0, bytes.length);
            assertEquals(bytes.length, length, what + ": frames");
            associateDecoder.decode(buffer, 0, length, model);
        }, what);
    }

    private static void expect(final int reason, final Executable executable, final String what)
    {
        final ProtocolException ex = assertThrows(ProtocolException.class, executable, what);
        assertEquals(reason, ex.abortReason(), what + ": " + ex.getMessage());
    }

    private static UnsafeBuffer header(final int type, final long length, final int bodyBytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PduDescriptor.HEADER_LENGTH + bodyBytes]);
        buffer.putByte(0, (byte)type);
        buffer.putInt(2, (int)length, PduDescriptor.BYTE_ORDER);
        return buffer;
    }

    private static byte[] setShort(final byte[] bytes, final int at, final int value)
    {
        bytes[at] = (byte)(value >> 8);
        bytes[at + 1] = (byte)value;
        return bytes;
    }

    private static void setInt(final byte[] bytes, final int at, final int value)
    {
        new UnsafeBuffer(bytes).putInt(at, value, PduDescriptor.BYTE_ORDER);
    }

    /**
     * Replaces {@code remove} bytes at {@code at} with {@code insert}, then fixes the PDU-length and the 2-byte
     * item-length of each enclosing item whose header starts at one of {@code enclosing}.
     */
    private static byte[] splice(
        final byte[] pdu, final int at, final int remove, final byte[] insert, final int... enclosing)
    {
        final byte[] out = new byte[pdu.length - remove + insert.length];
        System.arraycopy(pdu, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(pdu, at + remove, out, at + insert.length, pdu.length - at - remove);
        final int delta = insert.length - remove;
        setInt(out, 2, out.length - PduDescriptor.HEADER_LENGTH);
        for (final int item : enclosing)
        {
            final int length = ((out[item + 2] & 0xFF) << 8) | (out[item + 3] & 0xFF);
            setShort(out, item + 2, length + delta);
        }
        return out;
    }

    /**
     * Gives the (sub-)item at {@code item}, whose value is {@code oldLength} bytes, a value of {@code newLength}
     * bytes (cut, or padded with zeros) and a matching item-length, fixing the enclosing item and PDU lengths.
     */
    private static byte[] resize(final byte[] pdu, final int item, final int oldLength, final int newLength)
    {
        final int valueStart = item + 4;
        final byte[] value = Arrays.copyOf(Arrays.copyOfRange(pdu, valueStart, valueStart + oldLength), newLength);
        final int[] enclosing = enclosingItems(pdu, item);
        final byte[] out = splice(pdu, valueStart, oldLength, value, enclosing);
        return setShort(out, item + 2, newLength);
    }

    /** The V1/V2 items that contain {@code offset}, by the fixed layout documented at the top. */
    private static int[] enclosingItems(final byte[] pdu, final int offset)
    {
        if (pdu[0] == PduDescriptor.A_ASSOCIATE_RQ)
        {
            if (offset > V1_PC && offset < V1_UI)
            {
                return new int[]{V1_PC};
            }
            return offset > V1_UI ? new int[]{V1_UI} : new int[0];
        }
        if (offset > V2_PC && offset < V2_UI)
        {
            return new int[]{V2_PC};
        }
        return offset > V2_UI ? new int[]{V2_UI} : new int[0];
    }

    private static AssociatePdu copyOf(final AssociatePdu pdu)
    {
        final AssociatePdu copy = new AssociatePdu().pduType(pdu.pduType()).protocolVersion(pdu.protocolVersion())
            .calledAeTitle(pdu.calledAeTitle()).callingAeTitle(pdu.callingAeTitle())
            .applicationContextName(pdu.applicationContextName()).maxLength(pdu.maxLength())
            .implementationClassUid(pdu.implementationClassUid())
            .implementationVersionName(pdu.implementationVersionName()).userIdentity(pdu.userIdentity());
        copy.presentationContexts().addAll(pdu.presentationContexts());
        copy.roleSelections().addAll(pdu.roleSelections());
        if (pdu.hasAsyncOperationsWindow())
        {
            copy.asyncOperationsWindow(pdu.maxOperationsInvoked(), pdu.maxOperationsPerformed());
        }
        return copy;
    }
}
