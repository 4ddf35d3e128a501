package org.dimse4j.ae;

import org.agrona.DirectBuffer;
import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.archive.ArchiveIndex.Level;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetException;
import org.dimse4j.data.Tag;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.Status;
import org.dimse4j.ul.Association;
import org.slf4j.Logger;

import java.util.List;

/**
 * The lifecycle a C-GET SCP ({@link GetService}) and a C-MOVE SCP ({@link MoveService}) share, one operation at a
 * time per association: a second request while one is under way is refused with 0xA702 (once the current message is
 * out); the identifier is gathered, parsed, checked and matched ({@link RetrieveKeys}); the responses go out through
 * one {@link RetrieveResponder}; after the final response the state is reset for the next request.
 * <p>
 * A subclass says how the matched instances are sent ({@link #start}), what it resets ({@link #onReset}), and drives
 * the responses from its {@link #onTick}.
 */
abstract class RetrieveService
{
    private final Logger log;
    private final String operation;
    private final int responseField;
    private final String patientRootModel;

    final IdentifierAssembler identifierAssembler = new IdentifierAssembler();
    final RetrieveResponder responder = new RetrieveResponder();

    boolean receiving;
    boolean active;
    boolean finishing;
    int contextId;
    int messageId;
    int priority;
    String sopClass;
    boolean patientRoot;
    int failStatus = -1;
    String failError;

    private int refuseMessageId = -1;
    private int refuseContextId;

    /**
     * @param log              the subclass's logger.
     * @param operation        "C-GET" or "C-MOVE", for log lines.
     * @param responseField    C-GET-RSP or C-MOVE-RSP.
     * @param patientRootModel the Patient Root SOP class of the operation (else Study Root).
     */
    RetrieveService(final Logger log, final String operation, final int responseField, final String patientRootModel)
    {
        this.log = log;
        this.operation = operation;
        this.responseField = responseField;
        this.patientRootModel = patientRootModel;
    }

    /** @return true while a request's identifier is arriving. */
    final boolean isReceiving()
    {
        return receiving;
    }

    /**
     * Takes a new request: refused (answered on a later tick) while another is under way, else its command is
     * remembered and the operation's state reset. Without an identifier the operation fails at once.
     *
     * @return true if the request is taken (and its identifier, if any, is to arrive).
     */
    final boolean beginRequest(final DimseProvider provider, final Association association, final int contextId,
        final CommandDecoder command)
    {
        if (active || receiving)
        {
            log.warn("{}: {}-RQ while another {} is under way; refusing it", association.name(), operation,
                operation);
            refuseMessageId = command.messageId();
            refuseContextId = contextId;
            return false;
        }
        this.contextId = contextId;
        this.messageId = command.messageId();
        this.priority = command.priority() < 0 ? CommandElement.PRIORITY_MEDIUM : command.priority();
        this.sopClass = association.abstractSyntax(contextId);
        this.patientRoot = patientRootModel.equals(sopClass);
        identifierAssembler.begin(association, contextId);
        provider.clearCancels();
        failStatus = -1;
        failError = null;
        finishing = false;
        onReset();
        if (!command.hasDataSet())
        {
            fail(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, operation + "-RQ without identifier");
            return true;
        }
        receiving = true;
        return true;
    }

    /** A fragment of the identifier; on the last one the operation starts (or fails) and {@link #onTick} runs. */
    final void onFragment(final DimseProvider provider, final Association association, final DirectBuffer buffer,
        final int offset, final int length, final boolean last)
    {
        if (failStatus < 0 && !identifierAssembler.append(buffer, offset, length))
        {
            failStatus = Status.OUT_OF_RESOURCES_NUMBER_OF_MATCHES;
            failError = IdentifierAssembler.tooLongMessage();
        }
        if (last)
        {
            receiving = false;
            if (failStatus >= 0)
            {
                fail(failStatus, failError);
            }
            else
            {
                resolve(association);
            }
            onTick(provider, association);
        }
    }

    private void resolve(final Association association)
    {
        final DataSet identifier;
        try
        {
            identifier = identifierAssembler.parse();
        }
        catch (final DataSetException | IllegalArgumentException ex)
        {
            fail(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, "cannot parse identifier: " + ex.getMessage());
            return;
        }
        final Level level = Level.of(identifier.string(Tag.QUERY_RETRIEVE_LEVEL));
        final String invalid = RetrieveKeys.validate(identifier, level, patientRoot);
        if (invalid != null)
        {
            fail(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, invalid);
            return;
        }
        final List<ArchiveIndex.Entry> entries;
        try
        {
            entries = RetrieveKeys.match(index(), identifier, level, patientRoot);
        }
        catch (final RuntimeException ex)
        {
            fail(Status.OUT_OF_RESOURCES_NUMBER_OF_MATCHES, "cannot match: " + ex.getMessage());
            return;
        }
        start(association, level, entries);
    }

    /** @return the index the identifier is matched against. */
    abstract ArchiveIndex index();

    /**
     * Begins sending the matched instances (or fails); {@link #onTick} runs next.
     *
     * @param level   the identifier's Query/Retrieve Level.
     * @param entries the matched instances.
     */
    abstract void start(Association association, Level level, List<ArchiveIndex.Entry> entries);

    /** Resets what the subclass keeps of one operation, when a request is taken. */
    abstract void onReset();

    /** Resets what the subclass keeps of one operation, after its final response. */
    abstract void onFinish();

    /**
     * Sends what is due.
     *
     * @return work done.
     */
    abstract int onTick(DimseProvider provider, Association association);

    /** Ends the operation with a failure, answered from {@link #onTick}. */
    void fail(final int status, final String why)
    {
        failStatus = status;
        failError = why;
        active = true;
    }

    /** {@link #sendQueued}: the send buffer is full, nothing more this duty cycle. */
    static final int BLOCKED = -1;
    /** {@link #sendQueued}: nothing queued, the subclass's turn. */
    static final int IDLE = 0;
    /** {@link #sendQueued}: something went out; call again. */
    static final int SENT = 1;

    /**
     * Sends what comes before anything new: the rest of the last response's data set (ending the operation if that
     * was the final response), then a refusal of a concurrent request, once the send buffer has room for a command.
     *
     * @return {@link #BLOCKED}, {@link #IDLE} or {@link #SENT}.
     */
    final int sendQueued(final DimseProvider provider, final Association association)
    {
        if (responder.isSending())
        {
            if (!responder.flush(provider, association))
            {
                return BLOCKED;
            }
            if (finishing)
            {
                finish(provider);
            }
            return SENT;
        }
        if (!association.mayProduce() ||
            association.pendingSendBytes() + association.maxSendPduLength() + 6 > association.sendBufferCapacity())
        {
            return BLOCKED;
        }
        if (refuseMessageId >= 0)
        {
            RetrieveResponder.refuseConcurrent(provider, association, refuseContextId, responseField,
                refuseMessageId, operation);
            refuseMessageId = -1;
            return SENT;
        }
        return IDLE;
    }

    /** Sends a response with the four counters (see {@link RetrieveResponder#send}). */
    final void sendResponse(final DimseProvider provider, final Association association, final int status,
        final int remaining, final int completed, final int failed, final int warning, final List<String> failedUids,
        final String comment)
    {
        responder.send(provider, association, contextId, responseField, sopClass, messageId, status, remaining,
            completed, failed, warning, failedUids, comment, identifierAssembler.encoding());
    }

    /** Sends the final response; the operation ends once its data set is out. */
    final void sendFinal(final DimseProvider provider, final Association association, final int status,
        final int remaining, final int completed, final int failed, final int warning, final List<String> failedUids,
        final String comment)
    {
        sendResponse(provider, association, status, remaining, completed, failed, warning, failedUids, comment);
        finishing = true;
        if (!responder.isSending())
        {
            finish(provider);
        }
    }

    private void finish(final DimseProvider provider)
    {
        provider.clearCancels();
        finishing = false;
        active = false;
        receiving = false;
        failStatus = -1;
        failError = null;
        onFinish();
    }

    /** The association ended. */
    void onClosed()
    {
        active = false;
        receiving = false;
        finishing = false;
    }
}
