package org.dimse4j.pdu;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generates valid A-ASSOCIATE-RQ/AC models from a seeded {@link Random} and checks encode, decode, model equality
 * and re-encoding to identical bytes. Reproduce a failure with {@code -Dpdu.seed=<seed>}.
 */
class AssociatePropertyTest
{
    private static final int TRIES = 2_000;
    private static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    private static final String AE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-. +*";

    private final AssociateEncoder encoder = new AssociateEncoder();
    private final AssociateDecoder decoder = new AssociateDecoder();
    private final AssociatePdu decoded = new AssociatePdu();
    private final AssociatePdu decodedAgain = new AssociatePdu();

    @Test
    void shouldRoundTripRandomValidAssociatePdus()
    {
        final long seed = Long.getLong("pdu.seed", System.nanoTime());
        final Random random = new Random(seed);
        int requests = 0;
        for (int i = 0; i < TRIES; i++)
        {
            final AssociatePdu model = random.nextBoolean() ? request(random) : accept(random);
            requests += model.isRequest() ? 1 : 0;
            try
            {
                roundTrip(model);
            }
            catch (final AssertionError | RuntimeException ex)
            {
                throw new AssertionError("seed=" + seed + " try=" + i + " (rerun with -Dpdu.seed=" + seed + ")\n" +
                    model, ex);
            }
        }
        assertTrue(requests > TRIES / 4 && requests < TRIES * 3 / 4, "both kinds generated");
    }

    @Test
    void shouldGenerateOnlyValidUidsOfEveryLength()
    {
        final Random random = new Random(42);
        final boolean[] seen = new boolean[ItemDescriptor.MAX_UID_LENGTH + 1];
        for (int i = 0; i < 20_000; i++)
        {
            final String uid = uid(random);
            assertTrue(PduStrings.isValidUid(uid), uid);
            seen[uid.length()] = true;
        }
        for (int n = 1; n <= ItemDescriptor.MAX_UID_LENGTH; n++)
        {
            assertTrue(seen[n], "UID length " + n);
        }
    }

    private void roundTrip(final AssociatePdu model)
    {
        final int length = AssociateEncoder.encodedLength(model);
        final UnsafeBuffer first = new UnsafeBuffer(new byte[length + 2]);
        assertEquals(length, encoder.encode(model, first, 1), "encode returns encodedLength");
        final byte[] bytes1 = Arrays.copyOfRange(first.byteArray(), 1, 1 + length);
        final boolean rejectedTransferSyntaxDropped = hasRejectedContextWithOtherTransferSyntax(model);

        final PduFramer framer = new PduFramer(0, 1 << 20);
        assertEquals(length, framer.frame(first, 1, length + 1), "framed");

        decoder.decode(first, 1, length, decoded);
        final AssociatePdu expected = normalized(model);
        assertSameModel(expected, decoded);

        final int length2 = AssociateEncoder.encodedLength(decoded);
        final UnsafeBuffer second = new UnsafeBuffer(new byte[length2]);
        assertEquals(length2, encoder.encode(decoded, second, 0));
        final byte[] bytes2 = second.byteArray();
        if (!rejectedTransferSyntaxDropped)
        {
            assertEquals(Vectors.toHex(bytes1), Vectors.toHex(bytes2), "re-encoded bytes");
        }
        final UnsafeBuffer third = new UnsafeBuffer(new byte[AssociateEncoder.encodedLength(expected)]);
        encoder.encode(expected, third, 0);
        assertArrayEquals(third.byteArray(), bytes2, "re-encoded bytes of the normalized model");

        decoder.decode(second, 0, length2, decodedAgain);
        assertSameModel(expected, decodedAgain);
    }

    /**
     * The decoder does not look at the Transfer Syntax sub-item of a rejected AC context (PS3.8 Table 9-18: "not
     * significant and shall not be tested"), so a rejected context comes back without one. Rewrites the model's
     * contexts in place and returns it.
     */
    private static AssociatePdu normalized(final AssociatePdu model)
    {
        if (model.isRequest())
        {
            return model;
        }
        final List<AssociatePdu.PresentationContext> contexts = new ArrayList<>(model.presentationContexts());
        model.presentationContexts().clear();
        for (final AssociatePdu.PresentationContext pc : contexts)
        {
            model.presentationContexts().add(pc.isAccepted() ? pc :
                AssociatePdu.PresentationContext.result(pc.id(), pc.result(), null));
        }
        return model;
    }

    private static boolean hasRejectedContextWithOtherTransferSyntax(final AssociatePdu model)
    {
        for (final AssociatePdu.PresentationContext pc : model.presentationContexts())
        {
            if (!pc.isAccepted() && pc.transferSyntax() != null && !IMPLICIT_LE.equals(pc.transferSyntax()))
            {
                return true;
            }
        }
        return false;
    }

    private static void assertSameModel(final AssociatePdu expected, final AssociatePdu actual)
    {
        assertEquals(expected.pduType(), actual.pduType(), "pduType");
        assertEquals(expected.protocolVersion(), actual.protocolVersion(), "protocolVersion");
        assertEquals(expected.calledAeTitle(), actual.calledAeTitle(), "calledAeTitle");
        assertEquals(expected.callingAeTitle(), actual.callingAeTitle(), "callingAeTitle");
        assertEquals(expected.applicationContextName(), actual.applicationContextName(), "applicationContextName");
        assertEquals(expected.presentationContexts(), actual.presentationContexts(), "presentationContexts");
        assertEquals(expected.maxLength(), actual.maxLength(), "maxLength");
        assertEquals(expected.implementationClassUid(), actual.implementationClassUid(), "implementationClassUid");
        assertEquals(expected.implementationVersionName(), actual.implementationVersionName(),
            "implementationVersionName");
        assertEquals(expected.hasAsyncOperationsWindow(), actual.hasAsyncOperationsWindow(), "window present");
        assertEquals(expected.maxOperationsInvoked(), actual.maxOperationsInvoked(), "maxOperationsInvoked");
        assertEquals(expected.maxOperationsPerformed(), actual.maxOperationsPerformed(), "maxOperationsPerformed");
        assertEquals(expected.roleSelections(), actual.roleSelections(), "roleSelections");
        assertEquals(expected.extendedNegotiations(), actual.extendedNegotiations(), "extendedNegotiations");
        assertEquals(expected.commonExtendedNegotiations(), actual.commonExtendedNegotiations(),
            "commonExtendedNegotiations");
        assertEquals(expected.userIdentity(), actual.userIdentity(), "userIdentity");
        if (expected.userIdentityServerResponse() == null)
        {
            assertEquals(null, actual.userIdentityServerResponse(), "userIdentityServerResponse");
        }
        else
        {
            assertArrayEquals(expected.userIdentityServerResponse(), actual.userIdentityServerResponse(),
                "userIdentityServerResponse");
        }
    }

    private static AssociatePdu request(final Random random)
    {
        final AssociatePdu pdu = common(random, PduDescriptor.A_ASSOCIATE_RQ);
        for (final int id : contextIds(random))
        {
            final String[] ts = new String[1 + random.nextInt(random.nextInt(8) == 0 ? 12 : 3)];
            for (int j = 0; j < ts.length; j++)
            {
                ts[j] = random.nextInt(3) == 0 ? IMPLICIT_LE : uid(random);
            }
            pdu.presentationContexts().add(AssociatePdu.PresentationContext.proposed(id, uid(random), ts));
        }
        final int commonExtended = random.nextInt(4);
        for (int i = 0; i < commonExtended; i++)
        {
            final List<String> related = new ArrayList<>();
            final int n = random.nextInt(5);
            for (int j = 0; j < n; j++)
            {
                related.add(uid(random));
            }
            pdu.commonExtendedNegotiations().add(
                new AssociatePdu.CommonExtendedNegotiation(uid(random), uid(random), related));
        }
        if (random.nextInt(4) != 0)
        {
            final int type = 1 + random.nextInt(5);
            final byte[] primary = bytes(random, 1 + random.nextInt(type <= 2 ? 32 : 2_000));
            final byte[] secondary = type == AssociatePdu.UserIdentity.USERNAME_AND_PASSCODE ?
                bytes(random, random.nextInt(40)) : new byte[0];
            pdu.userIdentity(new AssociatePdu.UserIdentity(type, random.nextBoolean(), primary, secondary));
        }
        return pdu;
    }

    private static AssociatePdu accept(final Random random)
    {
        final AssociatePdu pdu = common(random, PduDescriptor.A_ASSOCIATE_AC);
        for (final int id : contextIds(random))
        {
            final int result = random.nextInt(2) == 0 ? 0 : random.nextInt(5);
            final String ts;
            if (result == AssociatePdu.PresentationContext.ACCEPTANCE)
            {
                ts = random.nextBoolean() ? IMPLICIT_LE : uid(random);
            }
            else
            {
                ts = random.nextBoolean() ? null : random.nextBoolean() ? IMPLICIT_LE : uid(random);
            }
            pdu.presentationContexts().add(AssociatePdu.PresentationContext.result(id, result, ts));
        }
        if (random.nextInt(3) == 0)
        {
            pdu.userIdentityServerResponse(bytes(random, random.nextBoolean() ? 0 : random.nextInt(3_000)));
        }
        return pdu;
    }

    private static AssociatePdu common(final Random random, final int type)
    {
        final AssociatePdu pdu = new AssociatePdu().pduType(type);
        pdu.protocolVersion(random.nextInt(4) == 0 ? random.nextInt(0x10000) | 1 : PduDescriptor.PROTOCOL_VERSION);
        pdu.calledAeTitle(aeTitle(random));
        pdu.callingAeTitle(aeTitle(random));
        pdu.applicationContextName(random.nextInt(8) == 0 ? uid(random) : AssociatePdu.DICOM_APPLICATION_CONTEXT);
        pdu.maxLength(random.nextInt(4) == 0 ? random.nextLong() & 0xFFFF_FFFFL : random.nextInt(1 << 20));
        if (random.nextInt(10) != 0)
        {
            pdu.implementationClassUid(uid(random));
        }
        if (random.nextBoolean())
        {
            pdu.implementationVersionName(token(random, 1 + random.nextInt(16)));
        }
        if (random.nextBoolean())
        {
            pdu.asyncOperationsWindow(random.nextInt(0x10000), random.nextInt(0x10000));
        }
        final int roles = random.nextInt(6);
        for (int i = 0; i < roles; i++)
        {
            pdu.roleSelections().add(new AssociatePdu.RoleSelection(uid(random), random.nextBoolean(),
                random.nextBoolean()));
        }
        final int extended = random.nextInt(5);
        for (int i = 0; i < extended; i++)
        {
            pdu.extendedNegotiations().add(
                new AssociatePdu.ExtendedNegotiation(uid(random), bytes(random, random.nextInt(21))));
        }
        return pdu;
    }

    /** 1..128 distinct odd context IDs, in random order. */
    private static List<Integer> contextIds(final Random random)
    {
        final List<Integer> ids = new ArrayList<>(128);
        for (int id = 1; id <= 255; id += 2)
        {
            ids.add(id);
        }
        Collections.shuffle(ids, random);
        final int n = random.nextInt(10) == 0 ? 1 + random.nextInt(128) : 1 + random.nextInt(4);
        return ids.subList(0, n);
    }

    /** A valid UID (PS3.5 §9.1) of a random length 1..64, odd or even. */
    static String uid(final Random random)
    {
        final int length = 1 + random.nextInt(ItemDescriptor.MAX_UID_LENGTH);
        final StringBuilder sb = new StringBuilder(length);
        int component = 0;
        boolean zeroComponent = false;
        while (sb.length() < length)
        {
            final int remaining = length - sb.length();
            if (component == 0)
            {
                if ((remaining == 1 || remaining >= 3) && random.nextInt(6) == 0)
                {
                    sb.append('0');
                    zeroComponent = true;
                }
                else
                {
                    sb.append((char)('1' + random.nextInt(9)));
                    zeroComponent = false;
                }
                component = 1;
            }
            else if (zeroComponent || (remaining >= 2 && random.nextInt(5) == 0))
            {
                sb.append('.');
                component = 0;
            }
            else
            {
                sb.append((char)('0' + random.nextInt(10)));
                component++;
            }
        }
        return sb.toString();
    }

    private static String aeTitle(final Random random)
    {
        return token(random, 1 + random.nextInt(16));
    }

    /** ISO 646 characters, inner spaces allowed, no leading or trailing space. */
    private static String token(final Random random, final int length)
    {
        final StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            final boolean edge = i == 0 || i == length - 1;
            char c;
            do
            {
                c = AE_CHARS.charAt(random.nextInt(AE_CHARS.length()));
            }
            while (edge && c == ' ');
            sb.append(c);
        }
        return sb.toString();
    }

    private static byte[] bytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
