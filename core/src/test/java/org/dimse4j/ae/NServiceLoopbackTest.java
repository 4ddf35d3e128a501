package org.dimse4j.ae;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.MessageQueue;
import org.dimse4j.dimse.Status;
import org.dimse4j.service.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our DIMSE-N SCU against our DIMSE-N SCP over loopback: each of the six requests reaches the handler with its
 * SOP class, instance, type id, attribute identifiers and data set, and its response (status, instance, error comment,
 * data set) comes back; operations without a handler or that a handler does not serve, SOP classes not served, failing
 * handlers and unparseable data sets get the standard's statuses; the SCP sends an N-EVENT-REPORT on the requesting
 * association.
 */
@Timeout(60)
class NServiceLoopbackTest
{
    /** A private SOP class for the generic handler (2.25 root, made for this test). */
    private static final String SOP_CLASS = "2.25.316524875498327016385296436727164932001";
    private static final String OTHER_CLASS = "2.25.316524875498327016385296436727164932002";
    private static final String UNHANDLED_CLASS = "2.25.316524875498327016385296436727164932003";
    private static final String INSTANCE = "1.2.826.0.1.3680043.2.1125.9.7";

    /** Records each call and answers from a script. */
    private static final class Recorder implements NServiceHandler
    {
        final List<String> calls = new ArrayList<>();
        volatile NSession lastSession;

        private String record(final String what, final NSession session, final String sopClass,
            final String sopInstance, final Object extra, final DataSet dataSet)
        {
            lastSession = session;
            final String line = what + " " + sopClass + " " + sopInstance + " " + extra + " " +
                (dataSet == null ? "-" : dataSet.string(Tag.PATIENT_NAME)) + " from " + session.callingAeTitle();
            synchronized (calls)
            {
                calls.add(line);
            }
            return line;
        }

        @Override
        public NResponse nEventReport(final NSession session, final String sopClass, final String sopInstance,
            final int eventTypeId, final DataSet eventInformation)
        {
            record("EVENT", session, sopClass, sopInstance, eventTypeId, eventInformation);
            return NResponse.success(new DataSet().putString(Tag.PATIENT_ID, "REPLY" + eventTypeId));
        }

        @Override
        public NResponse nGet(final NSession session, final String sopClass, final String sopInstance,
            final int[] attributeIdentifiers)
        {
            record("GET", session, sopClass, sopInstance, Arrays.toString(attributeIdentifiers), null);
            return NResponse.success(new DataSet().putString(Tag.PATIENT_NAME, "DOE^JOHN"));
        }

        @Override
        public NResponse nSet(final NSession session, final String sopClass, final String sopInstance,
            final DataSet modifications)
        {
            record("SET", session, sopClass, sopInstance, modifications.size(), modifications);
            return NResponse.of(Status.ATTRIBUTE_VALUE_OUT_OF_RANGE, "clamped");
        }

        @Override
        public NResponse nAction(final NSession session, final String sopClass, final String sopInstance,
            final int actionTypeId, final DataSet actionInformation)
        {
            record("ACTION", session, sopClass, sopInstance, actionTypeId, actionInformation);
            if (actionTypeId == 7)
            {
                // report back on the same association, as Storage Commitment does
                assertTrue(session.sendEventReport(SOP_CLASS, sopInstance, 42,
                    new DataSet().putString(Tag.PATIENT_NAME, "EVENT^FROM^SCP"), null));
            }
            if (actionTypeId == 13)
            {
                throw new IllegalStateException("handler bug");
            }
            return NResponse.success(new DataSet().putString(Tag.PATIENT_ID, "ACTED" + actionTypeId));
        }

        @Override
        public NResponse nCreate(final NSession session, final String sopClass, final String sopInstance,
            final DataSet attributes)
        {
            record("CREATE", session, sopClass, sopInstance, "", attributes);
            return NResponse.success(new DataSet().putString(Tag.PATIENT_ID, "CREATED"))
                .withSopInstanceUid(sopInstance == null ? INSTANCE + ".99" : sopInstance);
        }

        @Override
        public NResponse nDelete(final NSession session, final String sopClass, final String sopInstance)
        {
            record("DELETE", session, sopClass, sopInstance, "", null);
            return INSTANCE.equals(sopInstance) ? NResponse.success() :
                NResponse.of(Status.NO_SUCH_SOP_INSTANCE, "no " + sopInstance + " here");
        }
    }

    private static Server serve(final Recorder recorder) throws IOException
    {
        return ApplicationEntity.named("NSCP")
            .acceptVerification()
            .acceptNService(SOP_CLASS, TransferSyntax.UNCOMPRESSED, recorder)
            .acceptNService(OTHER_CLASS, List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), new NServiceHandler()
            {
                // serves nothing: every operation gets the interface's default answer
            })
            .accept(UNHANDLED_CLASS, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))
            .build().listen(new InetSocketAddress("127.0.0.1", 0));
    }

    private static ClientAssociation connect(final Server server, final String transferSyntax) throws IOException
    {
        return ApplicationEntity.named("NSCU").dimseTimeoutMs(10_000).build().connect("127.0.0.1", server.port(),
            "NSCP", List.of(ContextRequest.of(SOP_CLASS, List.of(transferSyntax)), ContextRequest.of(UNHANDLED_CLASS),
                ContextRequest.of(OTHER_CLASS), ContextRequest.of(Verification.SOP_CLASS)), null);
    }

    @Test
    void shouldCarryEachRequestToTheHandlerAndItsResponseBack() throws IOException
    {
        for (final String ts : List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN))
        {
            final Recorder recorder = new Recorder();
            try (Server server = serve(recorder); ClientAssociation assoc = connect(server, ts))
            {
                final DataSet doe = new DataSet().putString(Tag.PATIENT_NAME, "DOE^JANE");

                NResponse r = assoc.nCreate(SOP_CLASS, null, doe);
                assertEquals(Status.SUCCESS, r.status());
                assertEquals(INSTANCE + ".99", r.sopInstanceUid(), "the SCP named the instance it created");
                assertEquals("CREATED", r.attributes().string(Tag.PATIENT_ID));

                r = assoc.nCreate(SOP_CLASS, INSTANCE, doe);
                assertEquals(INSTANCE, r.sopInstanceUid());

                r = assoc.nSet(SOP_CLASS, INSTANCE, doe);
                assertEquals(Status.ATTRIBUTE_VALUE_OUT_OF_RANGE, r.status());
                assertEquals("clamped", r.errorComment());
                assertEquals(INSTANCE, r.sopInstanceUid());

                r = assoc.nGet(SOP_CLASS, INSTANCE, Tag.PATIENT_NAME, Tag.PATIENT_ID);
                assertEquals(Status.SUCCESS, r.status());
                assertEquals("DOE^JOHN", r.attributes().string(Tag.PATIENT_NAME));

                r = assoc.nAction(SOP_CLASS, INSTANCE, 3, doe);
                assertEquals("ACTED3", r.attributes().string(Tag.PATIENT_ID));

                r = assoc.nEventReport(SOP_CLASS, INSTANCE, 5, null);
                assertEquals("REPLY5", r.attributes().string(Tag.PATIENT_ID));

                r = assoc.nDelete(SOP_CLASS, INSTANCE);
                assertEquals(Status.SUCCESS, r.status());
                assertEquals(INSTANCE, r.sopInstanceUid(), "the N-DELETE-RSP names the deleted instance");
                assertNull(r.errorComment());

                r = assoc.nDelete(SOP_CLASS, INSTANCE + ".404");
                assertEquals(Status.NO_SUCH_SOP_INSTANCE, r.status());
                assertEquals("no " + INSTANCE + ".404 here", r.errorComment());

                assertEquals(List.of(
                    "CREATE " + SOP_CLASS + " null  DOE^JANE from NSCU",
                    "CREATE " + SOP_CLASS + " " + INSTANCE + "  DOE^JANE from NSCU",
                    "SET " + SOP_CLASS + " " + INSTANCE + " 1 DOE^JANE from NSCU",
                    "GET " + SOP_CLASS + " " + INSTANCE + " [" + Tag.PATIENT_NAME + ", " + Tag.PATIENT_ID + "] - from NSCU",
                    "ACTION " + SOP_CLASS + " " + INSTANCE + " 3 DOE^JANE from NSCU",
                    "EVENT " + SOP_CLASS + " " + INSTANCE + " 5 - from NSCU",
                    "DELETE " + SOP_CLASS + " " + INSTANCE + "  - from NSCU",
                    "DELETE " + SOP_CLASS + " " + INSTANCE + ".404  - from NSCU"), recorder.calls);
                assertEquals(Status.SUCCESS, assoc.echo(), "the association is still in order");
            }
        }
    }

    @Test
    void shouldAnswerWhatNoHandlerServesWithTheStandardsStatuses() throws IOException
    {
        final Recorder recorder = new Recorder();
        try (Server server = serve(recorder);
            ClientAssociation assoc = connect(server, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))
        {
            // accepted context, no handler: unrecognized operation
            assertEquals(Status.UNRECOGNIZED_OPERATION, assoc.nGet(UNHANDLED_CLASS, INSTANCE).status());
            // a handler that does not serve the operation: the same
            assertEquals(Status.UNRECOGNIZED_OPERATION, assoc.nDelete(OTHER_CLASS, INSTANCE).status());
            assertEquals(Status.UNRECOGNIZED_OPERATION,
                assoc.nSet(UNHANDLED_CLASS, INSTANCE, new DataSet().putString(Tag.PATIENT_NAME, "X")).status());
            // a handler's context naming a SOP class nobody serves (DIMSE-N allows it to differ): no such SOP class
            final int contextId = assoc.association().contextIdFor(SOP_CLASS);
            final int messageId = assoc.nextMessageId();
            NCommands.request(assoc.beginMsg(contextId), CommandField.N_DELETE_RQ, messageId, UNHANDLED_CLASS,
                INSTANCE, -1, null, false);
            assoc.sendMsg();
            MessageQueue.ReceivedMessage msg = assoc.getMsg(true);
            assertEquals(CommandField.N_DELETE_RSP, msg.command().commandField());
            assertEquals(Status.NO_SUCH_SOP_CLASS, msg.command().status());
            // a handler that throws: processing failure, and the association goes on
            final NResponse failed = assoc.nAction(SOP_CLASS, INSTANCE, 13, null);
            assertEquals(Status.PROCESSING_FAILURE, failed.status());
            assertTrue(failed.errorComment().contains("handler bug"), failed.errorComment());
            // a data set that does not parse: processing failure, the handler never sees it
            final int setId = assoc.nextMessageId();
            NCommands.request(assoc.beginMsg(contextId), CommandField.N_SET_RQ, setId, SOP_CLASS, INSTANCE, -1,
                null, true);
            final UnsafeBuffer garbage = new UnsafeBuffer(new byte[] {0x10, 0x00, 0x10, 0x00, (byte)0xF0, 0x00, 0, 0,
                'D', 'O'}); // (0010,0010) claims 240 bytes, 2 follow
            assoc.sendMsg(garbage, 0, garbage.capacity());
            msg = assoc.getMsg(true);
            assertEquals(CommandField.N_SET_RSP, msg.command().commandField());
            assertEquals(setId, msg.command().messageIdBeingRespondedTo());
            assertEquals(Status.PROCESSING_FAILURE, msg.command().status());
            assertTrue(msg.command().string(CommandElement.ERROR_COMMENT).startsWith("data set does not parse"));
            assertEquals(List.of("ACTION " + SOP_CLASS + " " + INSTANCE + " 13 - from NSCU"), recorder.calls);
            assertEquals(Status.SUCCESS, assoc.echo());
        }
    }

    @Test
    void shouldSendAnEventReportOnTheRequestingAssociation() throws IOException
    {
        final Recorder recorder = new Recorder();
        try (Server server = serve(recorder);
            ClientAssociation assoc = connect(server, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN))
        {
            final List<String> events = new ArrayList<>();
            assertEquals(Status.SUCCESS, assoc.nAction(SOP_CLASS, INSTANCE, 7, null).status());
            assertTrue(assoc.awaitEventReport(10_000, (sopClass, sopInstance, type, info) ->
            {
                events.add(sopClass + " " + sopInstance + " " + type + " " + info.string(Tag.PATIENT_NAME));
                return NResponse.success();
            }));
            assertEquals(List.of(SOP_CLASS + " " + INSTANCE + " 42 EVENT^FROM^SCP"), events);
            assertTrue(recorder.lastSession.isOpen());
            assertEquals(Status.SUCCESS, assoc.echo());
            assoc.release();
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (recorder.lastSession.isOpen() && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            assertFalse(recorder.lastSession.isOpen());
            assertFalse(recorder.lastSession.sendEventReport(SOP_CLASS, INSTANCE, 1, null, null),
                "nothing is queued on an association that has ended");
        }
    }
}
