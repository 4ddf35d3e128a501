package org.dimse4j.ae;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetException;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.Status;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.pdu.PdvDescriptor;
import org.dimse4j.ul.Association;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The DIMSE-N side of one acceptor association: routes N-EVENT-REPORT, N-GET, N-SET, N-ACTION, N-CREATE and
 * N-DELETE requests to the {@link NServiceHandler} registered for their SOP class, gathers their data sets, and
 * sends the responses and the N-EVENT-REPORT-RQs handlers queue through {@link NSession#sendEventReport}.
 * <p>
 * Everything it sends goes out from {@link #onTick} and only as whole messages: a message starts only when the send
 * buffer can take its command and whole data set now, so that no other service of the association (C-FIND
 * responses, C-STORE responses sent as a data set ends) can slip PDVs into the middle of it. A data set larger than
 * the send buffer can ever hold is streamed over several duty cycles once the buffer is empty, and while it streams
 * {@link ServiceDispatcher} runs no other sending service.
 * <p>
 * A request on a context of ours naming a SOP class no handler serves is answered 0x0118 (no such SOP class); an
 * attribute list that does not parse, 0x0110 (processing failure) with an Error Comment; one longer than
 * {@link IdentifierAssembler#MAX_IDENTIFIER_LENGTH}, 0x0213 (resource limitation).
 */
final class NServiceDispatcher implements NSession
{
    private static final Logger LOG = LoggerFactory.getLogger(NServiceDispatcher.class);

    /** N-EVENT-REPORT-RQs sent whose responses are still awaited, at most; older ones are forgotten. */
    private static final int MAX_AWAITED_REPORTS = 64;

    private final ApplicationEntity ae;
    private final Map<String, NServiceHandler> handlers;
    private final IdentifierAssembler assembler = new IdentifierAssembler();
    private final ArrayDeque<Outgoing> outgoing = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Outgoing> inbox = new ConcurrentLinkedQueue<>();
    private final Object lock = new Object();
    private final List<Integer> awaitedReports = new ArrayList<>();
    private volatile Association association;
    private boolean closed;

    private boolean receiving;
    private boolean tooLong;
    private int rqContextId;
    private int rqField;
    private int rqMessageId;
    private int rqTypeId;
    private String rqSopClass;
    private String rqSopInstance;
    private NServiceHandler rqHandler;

    private UnsafeBuffer out;
    private int outContextId;
    private int outOffset;
    private int outRemaining;

    NServiceDispatcher(final ApplicationEntity ae, final Map<String, NServiceHandler> handlers)
    {
        this.ae = ae;
        this.handlers = handlers;
    }

    /**
     * @return true if the command was a DIMSE-N request for a context of ours, or the response to one of our
     *         N-EVENT-REPORT-RQs; false leaves it to the caller (an N-* request on a context no handler serves is
     *         then refused 0x0211 by {@link ServiceDispatcher}).
     */
    boolean onCommand(final Association association, final int contextId, final CommandDecoder command)
    {
        this.association = association;
        final int field = command.commandField();
        if (field == CommandField.N_EVENT_REPORT_RSP)
        {
            return onEventReportResponse(association, command);
        }
        if (!NCommands.isRequest(field))
        {
            return false;
        }
        final String sopClass = NCommands.sopClass(command);
        final NServiceHandler handler = sopClass == null ? null : handlers.get(sopClass);
        if (handler == null && !handlers.containsKey(association.abstractSyntax(contextId)))
        {
            return false;
        }
        rqContextId = contextId;
        rqField = field;
        rqMessageId = command.messageId();
        rqSopClass = sopClass;
        rqSopInstance = NCommands.sopInstance(command);
        rqTypeId = field == CommandField.N_EVENT_REPORT_RQ ? command.eventTypeId() :
            field == CommandField.N_ACTION_RQ ? command.actionTypeId() : -1;
        rqHandler = handler;
        if (handler == null)
        {
            respond(NResponse.of(Status.NO_SUCH_SOP_CLASS, "no " + CommandField.name(field) + " service for " +
                sopClass + " here"));
            return true; // its data set, if any, is dropped by ServiceDispatcher
        }
        if (command.hasDataSet())
        {
            receiving = true;
            tooLong = false;
            assembler.begin(association, contextId);
            return true;
        }
        int[] attributeIds = null;
        if (field == CommandField.N_GET_RQ)
        {
            attributeIds = new int[command.attributeIdentifierCount()];
            for (int i = 0; i < attributeIds.length; i++)
            {
                attributeIds[i] = command.attributeIdentifier(i);
            }
        }
        serve(null, attributeIds);
        return true;
    }

    /** @return true while a DIMSE-N request's data set is arriving. */
    boolean isReceiving()
    {
        return receiving;
    }

    void onFragment(final DirectBuffer buffer, final int offset, final int length, final boolean last)
    {
        if (!tooLong && !assembler.append(buffer, offset, length))
        {
            tooLong = true;
        }
        if (!last)
        {
            return;
        }
        receiving = false;
        if (tooLong)
        {
            respond(NResponse.of(Status.RESOURCE_LIMITATION, IdentifierAssembler.tooLongMessage()));
            return;
        }
        final DataSet dataSet;
        try
        {
            dataSet = assembler.parse();
        }
        catch (final DataSetException ex)
        {
            LOG.info("{}: {} data set does not parse: {}", association.name(), CommandField.name(rqField),
                ex.getMessage());
            respond(NResponse.of(Status.PROCESSING_FAILURE, "data set does not parse: " + ex.getMessage()));
            return;
        }
        serve(dataSet, null);
    }

    private void serve(final DataSet dataSet, final int[] attributeIds)
    {
        NResponse response;
        try
        {
            response = call(dataSet, attributeIds);
            if (response == null)
            {
                throw new IllegalStateException(rqHandler.getClass().getName() + " returned no response");
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("{}: {} handler for {} failed", association.name(), CommandField.name(rqField), rqSopClass, ex);
            response = NResponse.of(Status.PROCESSING_FAILURE, "processing failed: " + ex);
        }
        respond(response);
    }

    private NResponse call(final DataSet dataSet, final int[] attributeIds)
    {
        switch (rqField)
        {
            case CommandField.N_EVENT_REPORT_RQ:
                return rqHandler.nEventReport(this, rqSopClass, rqSopInstance, rqTypeId, dataSet);
            case CommandField.N_GET_RQ:
                return rqHandler.nGet(this, rqSopClass, rqSopInstance, attributeIds == null ? new int[0] :
                    attributeIds);
            case CommandField.N_SET_RQ:
                return rqHandler.nSet(this, rqSopClass, rqSopInstance, dataSet == null ? new DataSet() : dataSet);
            case CommandField.N_ACTION_RQ:
                return rqHandler.nAction(this, rqSopClass, rqSopInstance, rqTypeId, dataSet);
            case CommandField.N_CREATE_RQ:
                return rqHandler.nCreate(this, rqSopClass, rqSopInstance, dataSet);
            default:
                return rqHandler.nDelete(this, rqSopClass, rqSopInstance);
        }
    }

    private void respond(final NResponse response)
    {
        String instance = response.sopInstanceUid() != null ? response.sopInstanceUid() : rqSopInstance;
        NResponse answer = response;
        if (rqField == CommandField.N_CREATE_RQ && answer.isPerformed() && instance == null)
        {
            LOG.warn("{}: N-CREATE handler for {} created an instance without naming it", association.name(),
                rqSopClass);
            answer = NResponse.of(Status.PROCESSING_FAILURE, "the SCP did not name the instance created");
        }
        if (!answer.isPerformed())
        {
            LOG.info("{}: {} of {} {} answered 0x{}{}", association.name(), CommandField.name(rqField), rqSopClass,
                instance, Integer.toHexString(answer.status()),
                answer.errorComment() == null ? "" : ": " + answer.errorComment());
        }
        outgoing.add(new Outgoing(rqContextId, rqField, rqMessageId, rqSopClass, instance, answer, rqTypeId,
            answer.attributes(), null));
    }

    private boolean onEventReportResponse(final Association association, final CommandDecoder command)
    {
        final Integer id = command.messageIdBeingRespondedTo();
        if (!awaitedReports.remove(id))
        {
            return false;
        }
        final int status = command.status();
        if (!Status.isSuccess(status))
        {
            LOG.warn("{}: the peer answered our N-EVENT-REPORT-RQ {} with 0x{}{}", association.name(), id,
                Integer.toHexString(status), command.contains(org.dimse4j.dimse.CommandElement.ERROR_COMMENT) ?
                    ": " + command.errorComment() : "");
        }
        return true;
    }

    /** @return true while a message too large for the send buffer is part sent: nothing else may be sent. */
    boolean isStreaming()
    {
        return outRemaining > 0;
    }

    /**
     * Sends what is queued and fits.
     *
     * @return work done.
     */
    int onTick(final DimseProvider provider, final Association association)
    {
        int work = 0;
        if (!inbox.isEmpty())
        {
            Outgoing report;
            while ((report = inbox.poll()) != null)
            {
                outgoing.add(report);
                work++;
            }
        }
        if (outRemaining > 0)
        {
            if (!association.mayProduce())
            {
                return work;
            }
            final int n = provider.sendDataSet(association, outContextId, out, outOffset, outRemaining);
            outOffset += n;
            outRemaining -= n;
            if (outRemaining > 0)
            {
                return work + (n > 0 ? 1 : 0);
            }
            out = null;
            work++;
        }
        final int commandRoom = association.maxSendPduLength() + 6;
        final int capacity = association.sendBufferCapacity();
        Outgoing next;
        while ((next = outgoing.peek()) != null)
        {
            final int pending = association.pendingSendBytes();
            if (pending + commandRoom > capacity || !association.mayProduce())
            {
                break;
            }
            final UnsafeBuffer dataSet;
            try
            {
                dataSet = next.encode(association);
            }
            catch (final RuntimeException ex)
            {
                LOG.error("{}: cannot encode the data set of {} for context {}: {}", association.name(),
                    next.isReport() ? "an N-EVENT-REPORT-RQ" : "a " + CommandField.name(next.field) + " response",
                    next.contextId, ex.toString());
                outgoing.poll();
                if (!next.isReport())
                {
                    outgoing.addFirst(next.withoutDataSet(NResponse.of(Status.PROCESSING_FAILURE,
                        "cannot encode the response data set")));
                }
                else if (next.undelivered != null)
                {
                    next.undelivered.run();
                }
                continue;
            }
            final int needed = dataSet == null ? 0 : dataSet.capacity() +
                fragments(dataSet.capacity(), association.maxSendPduLength()) *
                (PdvDescriptor.HEADER_LENGTH + PduDescriptor.HEADER_LENGTH);
            final boolean fitsEver = commandRoom + needed <= capacity;
            if (fitsEver ? pending + commandRoom + needed > capacity : pending > 0)
            {
                break; // wait until it can go out whole (or, if it never can, into an empty buffer)
            }
            outgoing.poll();
            send(provider, association, next, dataSet);
            work++;
            if (outRemaining > 0)
            {
                break;
            }
        }
        return work;
    }

    private static int fragments(final int length, final int maxPduLength)
    {
        final int max = PdvDescriptor.maxFragmentLength(maxPduLength);
        return Math.max(1, (length + max - 1) / max);
    }

    private void send(final DimseProvider provider, final Association association, final Outgoing message,
        final UnsafeBuffer dataSet)
    {
        final boolean hasDataSet = dataSet != null;
        if (message.isReport())
        {
            final int messageId = provider.nextMessageId();
            NCommands.request(provider.beginCommand(association, message.contextId), CommandField.N_EVENT_REPORT_RQ,
                messageId, message.sopClass, message.sopInstance, message.typeId, null, hasDataSet);
            if (awaitedReports.size() == MAX_AWAITED_REPORTS)
            {
                awaitedReports.remove(0);
            }
            awaitedReports.add(messageId);
            LOG.debug("{}: N-EVENT-REPORT-RQ {} type {} sent", association.name(), messageId, message.typeId);
        }
        else
        {
            NCommands.response(provider.beginCommand(association, message.contextId), message.field,
                message.messageId, message.sopClass, message.sopInstance, message.response, message.typeId,
                hasDataSet);
        }
        provider.sendCommand();
        if (hasDataSet)
        {
            final int length = dataSet.capacity();
            final int n = provider.sendDataSet(association, message.contextId, dataSet, 0, length);
            if (n < length)
            {
                out = dataSet;
                outContextId = message.contextId;
                outOffset = n;
                outRemaining = length - n;
            }
        }
    }

    void onClosed()
    {
        final List<Outgoing> undelivered = new ArrayList<>();
        synchronized (lock)
        {
            closed = true;
            Outgoing report;
            while ((report = inbox.poll()) != null)
            {
                undelivered.add(report);
            }
        }
        undelivered.addAll(outgoing);
        outgoing.clear();
        receiving = false;
        out = null;
        outRemaining = 0;
        for (final Outgoing message : undelivered)
        {
            if (message.isReport() && message.undelivered != null)
            {
                try
                {
                    message.undelivered.run();
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("undelivered N-EVENT-REPORT callback failed", ex);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ NSession

    @Override
    public ApplicationEntity applicationEntity()
    {
        return ae;
    }

    @Override
    public String callingAeTitle()
    {
        return association.associateRequest().callingAeTitle();
    }

    @Override
    public String calledAeTitle()
    {
        return association.associateRequest().calledAeTitle();
    }

    @Override
    public String name()
    {
        return association.name();
    }

    @Override
    public boolean isOpen()
    {
        synchronized (lock)
        {
            return !closed;
        }
    }

    @Override
    public boolean sendEventReport(final String sopClass, final String sopInstance, final int eventTypeId,
        final DataSet eventInformation, final Runnable undelivered)
    {
        final int contextId = association.contextIdFor(sopClass);
        if (contextId < 0)
        {
            return false;
        }
        synchronized (lock)
        {
            if (closed)
            {
                return false;
            }
            inbox.add(new Outgoing(contextId, CommandField.N_EVENT_REPORT_RQ, -1, sopClass, sopInstance, null,
                eventTypeId, eventInformation, undelivered));
            return true;
        }
    }

    /** A response or an N-EVENT-REPORT-RQ waiting for room in the send buffer. */
    private static final class Outgoing
    {
        final int contextId;
        final int field;
        final int messageId;
        final String sopClass;
        final String sopInstance;
        final NResponse response;
        final int typeId;
        final DataSet dataSet;
        final Runnable undelivered;
        UnsafeBuffer encoded;

        Outgoing(final int contextId, final int field, final int messageId, final String sopClass,
            final String sopInstance, final NResponse response, final int typeId, final DataSet dataSet,
            final Runnable undelivered)
        {
            this.contextId = contextId;
            this.field = field;
            this.messageId = messageId;
            this.sopClass = sopClass;
            this.sopInstance = sopInstance;
            this.response = response;
            this.typeId = typeId;
            this.dataSet = dataSet;
            this.undelivered = undelivered;
        }

        Outgoing withoutDataSet(final NResponse replacement)
        {
            return new Outgoing(contextId, field, messageId, sopClass, sopInstance, replacement, typeId, null, null);
        }

        boolean isReport()
        {
            return response == null;
        }

        /** @return the data set in the context's transfer syntax, encoded once; null if there is none. */
        UnsafeBuffer encode(final Association association)
        {
            if (dataSet != null && encoded == null)
            {
                encoded = NCommands.encode(dataSet,
                    DataSetReader.encodingOf(association.transferSyntax(contextId)));
            }
            return encoded;
        }
    }
}
