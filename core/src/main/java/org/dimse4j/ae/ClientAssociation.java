package org.dimse4j.ae;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseHandler;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.MessageQueue;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.service.Verification;
import org.dimse4j.ul.Association;
import org.dimse4j.ul.AssociationException;
import org.dimse4j.ul.Outcome;
import org.dimse4j.ul.State;

import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.Status;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An association this application entity requested, driven by the calling thread: each blocking call runs the
 * association's duty cycle on the caller's thread, waiting in a private selector when there is nothing to do, so a
 * request/response round trip never crosses a thread. Not thread-safe: one thread uses it at a time.
 * <p>
 * Interrupting the thread blocked in one of its calls aborts the association (A-ABORT): the call throws an
 * {@link AssociationException} and the thread stays interrupted. That is how another thread stops it (a C-MOVE
 * SCP's sub-association whose originating association ended, say).
 */
public final class ClientAssociation implements AutoCloseable
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClientAssociation.class);
    private static final long MAX_BLOCK_MS = 10;

    private final ApplicationEntity ae;
    private final Association association;
    private final Selector selector;
    private final DimseProvider provider;
    private final Responses responses;
    private final Consumer<SelectionKey> ignoreKey = key -> { };
    private final long dimseTimeoutNs;
    private final long spinNs;

    private int awaitedMessageId = -1;
    private int[] pendingIds;
    private Path[] pendingFiles;
    private int pendingCount;
    private int failures;
    private StoreCallback callback;
    private int responseStatus;
    private boolean responseArrived;
    private int findMessageId = -1;
    private int findContextId = -1;
    private NServiceUser nServiceUser;
    private int storePriority = CommandElement.PRIORITY_MEDIUM;
    private String moveOriginatorAeTitle;
    private int moveOriginatorMessageId = -1;

    private ClientAssociation(final ApplicationEntity ae, final Association association, final Selector selector,
        final DimseProvider provider, final Responses responses)
    {
        this.responses = responses;
        this.ae = ae;
        this.association = association;
        this.selector = selector;
        this.provider = provider;
        this.dimseTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ae.dimseTimeoutMs());
        this.spinNs = ae.spinNanos();
    }

    static ClientAssociation open(final ApplicationEntity ae, final SocketAddress address, final AssociatePdu rq)
        throws IOException
    {
        final Responses responses = new Responses();
        final DimseProvider provider = new DimseProvider(responses);
        final Association association = Association.request(address, rq, ae.settings(), provider);
        final Selector selector = Selector.open();
        try
        {
            association.selectionKey(association.channel().register(selector, SelectionKey.OP_READ, association));
        }
        catch (final IOException ex)
        {
            association.close();
            selector.close();
            throw ex;
        }
        final ClientAssociation client = new ClientAssociation(ae, association, selector, provider, responses);
        responses.client = client;
        try
        {
            client.await(() -> association.isEstablished() || association.isClosed(), 0, "A-ASSOCIATE-AC");
            if (!association.isEstablished())
            {
                throw client.ended("association not established");
            }
        }
        catch (final IOException ex)
        {
            client.close();
            throw ex;
        }
        return client;
    }

    /** @return the underlying Upper Layer association: negotiated contexts, state, the AC received. */
    public Association association()
    {
        return association;
    }

    /** @return the DIMSE provider, for sending other messages. */
    public DimseProvider provider()
    {
        return provider;
    }

    /**
     * Sends a C-ECHO-RQ on the first accepted Verification context and waits for the response.
     *
     * @return the response status (0x0000 = Success).
     * @throws IOException if no Verification context was accepted, no response came within the DIMSE timeout
     *                     (the association is then aborted), or the association ended.
     */
    public int echo() throws IOException
    {
        final int contextId = association.contextIdFor(Verification.SOP_CLASS);
        if (contextId < 0)
        {
            throw new IOException("the peer accepted no Verification presentation context");
        }
        awaitSendRoom();
        final int messageId = provider.nextMessageId();
        awaitedMessageId = messageId;
        responseArrived = false;
        Verification.request(provider, association, contextId, messageId);
        await(() -> responseArrived || association.isClosed(), dimseTimeoutNs, "C-ECHO-RSP");
        if (!responseArrived)
        {
            throw ended("no C-ECHO-RSP");
        }
        return responseStatus;
    }

    /**
     * Sends a Part 10 file with C-STORE and waits for the response. The file's data set goes out as it lies in the
     * file, on a context accepted for its SOP class with its transfer syntax: nothing is transcoded.
     *
     * @param file a Part 10 file.
     * @return the response status (0x0000 Success, 0xBxxx warnings, others failures).
     * @throws IOException if the file cannot be read, no accepted context fits it, no response came within the
     *                     DIMSE timeout, or the association ended.
     */
    public int store(final Path file) throws IOException
    {
        sendStore(file, false);
        await(() -> responseArrived || association.isClosed(), dimseTimeoutNs, "C-STORE-RSP");
        if (!responseArrived)
        {
            throw ended("no C-STORE-RSP for " + file);
        }
        return responseStatus;
    }

    /**
     * What became of one file of {@link #storeAll}.
     */
    @FunctionalInterface
    public interface StoreCallback
    {
        /**
         * @param file   the file.
         * @param status the C-STORE-RSP status, or -1 when it could not be sent.
         * @param error  why it could not be sent, or null.
         */
        void onResult(Path file, int status, IOException error);
    }

    /**
     * Sends files with C-STORE, keeping as many in flight as the negotiated asynchronous operations window allows
     * (one at a time without a window). Each file's outcome goes to {@code callback} as its response arrives.
     *
     * @param files    Part 10 files.
     * @param callback told of each file's outcome.
     * @return the number of files that did not end in Success or a warning.
     * @throws IOException if the association ends or a response does not come within the DIMSE timeout.
     */
    public int storeAll(final List<Path> files, final StoreCallback callback) throws IOException
    {
        final int window = window();
        pendingIds = new int[window];
        pendingFiles = new Path[window];
        pendingCount = 0;
        this.callback = callback;
        failures = 0;
        try
        {
            for (final Path file : files)
            {
                if (pendingCount == window)
                {
                    await(() -> pendingCount < window || association.isClosed(), dimseTimeoutNs, "C-STORE-RSP");
                    if (association.isClosed())
                    {
                        throw ended("association ended with " + pendingCount + " C-STOREs outstanding");
                    }
                }
                try
                {
                    sendStore(file, true);
                }
                catch (final AssociationException ex)
                {
                    throw ex;
                }
                catch (final IOException ex)
                {
                    failures++;
                    callback.onResult(file, -1, ex);
                }
            }
            await(() -> pendingCount == 0 || association.isClosed(), dimseTimeoutNs, "C-STORE-RSP");
            if (pendingCount > 0)
            {
                throw ended("association ended with " + pendingCount + " C-STOREs outstanding");
            }
            return failures;
        }
        finally
        {
            this.callback = null;
        }
    }

    /**
     * Sends a C-FIND-RQ on the first context accepted for {@code sopClass} and collects its responses.
     *
     * @param sopClass   the FIND SOP class, e.g. Study Root Query/Retrieve Information Model - FIND.
     * @param identifier the keys.
     * @param onMatch    called with the identifier of each Pending response, on this thread; it may call
     *                   {@link #cancel(int)} with {@link #findMessageId()}.
     * @return the final status: 0x0000 Success, 0xFE00 Cancel, or a failure.
     * @throws IOException if no such context was accepted, no response came within the DIMSE timeout, or the
     *                     association ended.
     */
    public int find(final String sopClass, final DataSet identifier, final Consumer<DataSet> onMatch)
        throws IOException
    {
        final int contextId = association.contextIdFor(sopClass);
        if (contextId < 0)
        {
            throw new IOException("the peer accepted no presentation context for " + sopClass);
        }
        return find(contextId, identifier, onMatch);
    }

    /**
     * Sends a C-FIND-RQ on a context and collects its responses (see {@link #find(String, DataSet, Consumer)}).
     *
     * @param contextId  an accepted context of a FIND SOP class.
     * @param identifier the keys.
     * @param onMatch    called with the identifier of each Pending response.
     * @return the final status.
     * @throws IOException if no response came within the DIMSE timeout, or the association ended.
     */
    public int find(final int contextId, final DataSet identifier, final Consumer<DataSet> onMatch)
        throws IOException
    {
        final String sopClass = association.abstractSyntax(contextId);
        final int encoding = DataSetReader.encodingOf(association.transferSyntax(contextId));
        try
        {
            final int messageId = sendRequest(contextId, sopClass, CommandField.C_FIND_RQ, null, identifier, encoding);
            while (true)
            {
                final MessageQueue.ReceivedMessage msg = awaitMessage("C-FIND");
                final CommandDecoder command = msg.command();
                if (command.commandField() != CommandField.C_FIND_RSP ||
                    command.messageIdBeingRespondedTo() != messageId)
                {
                    continue; // not ours: a C-FIND SCU has nothing else to answer
                }
                final int status = command.status();
                if (!Status.isPending(status))
                {
                    return status;
                }
                final DataSet match = msg.hasDataSet() ? DataSet.read(msg.dataSetBuffer(), msg.dataSetOffset(),
                    msg.dataSetLength(), encoding) : new DataSet();
                onMatch.accept(match);
            }
        }
        finally
        {
            findMessageId = -1;
            findContextId = -1;
        }
    }

    /**
     * What a C-GET or C-MOVE ended with (or where it stands, in a Pending response).
     *
     * @param status                 the final status: 0x0000 Success, 0xB000 some failed or had warnings, 0xFE00
     *                               Cancel, 0xA702 all failed, or another failure.
     * @param remaining              Number of Remaining Sub-operations of the last response that had it, or -1.
     * @param completed              Number of Completed Sub-operations (last response that had it), or -1.
     * @param failed                 Number of Failed Sub-operations, or -1.
     * @param warning                Number of Warning Sub-operations, or -1.
     * @param failedSopInstanceUids  Failed SOP Instance UID List (0008,0058) of the final response, or empty.
     * @param received               the files written by a C-GET into an output directory, in arrival order (empty
     *                               for a C-MOVE, or a C-GET into a caller's store).
     */
    public record GetResult(int status, int remaining, int completed, int failed, int warning,
        List<String> failedSopInstanceUids, List<Path> received)
    {
    }

    /**
     * Sends a C-GET-RQ on the first context accepted for {@code sopClass} and, while it runs, serves the C-STORE
     * sub-operations the peer sends on this association: each data set is written as a Part 10 file named after its
     * SOP Instance UID under {@code outputDirectory} (File Meta Information with the context's transfer syntax,
     * then the data set as received), through a {@link org.dimse4j.archive.DirectoryStore}: see
     * {@link #get(String, DataSet, org.dimse4j.service.InstanceStore, Consumer)}. For the peer to be able to send
     * them, propose the storage contexts with {@link ContextRequest#retrieveStorage}.
     *
     * @param sopClass        the GET SOP class, e.g. Study Root Query/Retrieve Information Model - GET.
     * @param identifier      Query/Retrieve Level and the unique keys.
     * @param outputDirectory where received instances go (created if missing; partial files go under its
     *                        {@code .incoming/} until complete).
     * @param onPending       called with the counters of each Pending response, on this thread; may call
     *                        {@link #cancel(int)} with {@link #findMessageId()}; may be null.
     * @return the final status, counters, and the files received.
     * @throws IOException if no such context was accepted, no message came within the DIMSE timeout, or the
     *                     association ended.
     */
    public GetResult get(final String sopClass, final DataSet identifier, final Path outputDirectory,
        final Consumer<GetResult> onPending) throws IOException
    {
        final List<Path> received = new java.util.ArrayList<>();
        final org.dimse4j.archive.DirectoryStore store = new org.dimse4j.archive.DirectoryStore(outputDirectory,
            org.dimse4j.archive.DirectoryStore.Durability.RENAME,
            org.dimse4j.archive.DirectoryStore.Duplicates.OVERWRITE, instance -> received.add(instance.path()));
        return get(sopClass, identifier, store, received, onPending);
    }

    /**
     * Sends a C-GET-RQ on the first context accepted for {@code sopClass} and, while it runs, serves the C-STORE
     * sub-operations the peer sends on this association as the Storage SCP does: each data set streams, fragment by
     * fragment as it arrives, from the receive ring into the writer {@code store} opens for it, so an instance of any
     * size needs no more memory than a PDU; the C-STORE-RSP carries the status the writer's commit gave, 0xA700 if
     * it could not write, the status of a {@link org.dimse4j.service.InstanceStore.StoreRefusedException}, or 0x0117
     * for a SOP Instance UID that is not a UID. For the peer to be able to send them, propose the storage contexts
     * with {@link ContextRequest#retrieveStorage}.
     *
     * @param sopClass   the GET SOP class, e.g. Study Root Query/Retrieve Information Model - GET.
     * @param identifier Query/Retrieve Level and the unique keys.
     * @param store      where the instances go; its {@code StoreRequest} names the peer as the calling (storage
     *                   SCU's) AE title.
     * @param onPending  called with the counters of each Pending response, on this thread; may call
     *                   {@link #cancel(int)} with {@link #findMessageId()}; may be null.
     * @return the final status and counters; its {@code received} list is empty (the store knows what it kept).
     * @throws IOException if no such context was accepted, no message came within the DIMSE timeout, or the
     *                     association ended (an instance under way is then aborted in the store).
     */
    public GetResult get(final String sopClass, final DataSet identifier,
        final org.dimse4j.service.InstanceStore store, final Consumer<GetResult> onPending) throws IOException
    {
        return get(sopClass, identifier, store, List.of(), onPending);
    }

    private GetResult get(final String sopClass, final DataSet identifier,
        final org.dimse4j.service.InstanceStore store, final List<Path> received,
        final Consumer<GetResult> onPending) throws IOException
    {
        final int contextId = association.contextIdFor(sopClass);
        if (contextId < 0)
        {
            throw new IOException("the peer accepted no presentation context for " + sopClass);
        }
        final GetSubOperations subOperations = new GetSubOperations(store);
        responses.subOperations = subOperations;
        try
        {
            return retrieve(contextId, sopClass, CommandField.C_GET_RQ, null, identifier, received, onPending);
        }
        finally
        {
            if (subOperations.isReceiving() && !association.isClosed())
            {
                // left (an exception, a final response) inside a sub-operation's data set: no one takes the rest
                LOG.warn("{}: C-GET ended inside a C-STORE sub-operation's data set; aborting", association.name());
                association.abort();
                association.close(); // the instance under way is removed (Responses.onClosed)
            }
            responses.subOperations = null;
        }
    }

    /**
     * Sends a C-MOVE-RQ on the first context accepted for {@code sopClass} and collects its responses: the peer sends
     * the instances to {@code destination} over an association of its own (to receive them here, run a Storage SCP
     * under that AE title, which the peer must know). The result's {@code received} list is empty.
     *
     * @param sopClass    the MOVE SOP class, e.g. Study Root Query/Retrieve Information Model - MOVE.
     * @param identifier  Query/Retrieve Level and the unique keys.
     * @param destination the Move Destination AE title (0000,0600).
     * @param onPending   called with the counters of each Pending response, on this thread; may call
     *                    {@link #cancel(int)} with {@link #findMessageId()}; may be null.
     * @return the final status and counters: 0x0000 Success, 0xB000 some failed or had warnings, 0xFE00 Cancel,
     *         0xA702 all failed, 0xA801 Move Destination unknown, or another failure.
     * @throws IOException if no such context was accepted, no response came within the DIMSE timeout, or the
     *                     association ended.
     */
    public GetResult move(final String sopClass, final DataSet identifier, final String destination,
        final Consumer<GetResult> onPending) throws IOException
    {
        org.dimse4j.pdu.PduStrings.checkAeTitle(destination);
        final int contextId = association.contextIdFor(sopClass);
        if (contextId < 0)
        {
            throw new IOException("the peer accepted no presentation context for " + sopClass);
        }
        return retrieve(contextId, sopClass, CommandField.C_MOVE_RQ, destination, identifier, List.of(), onPending);
    }

    /**
     * Makes the C-STOREs this association sends from now on sub-operations of a C-MOVE (PS3.4 C.4.2.2.2): each
     * C-STORE-RQ carries the C-MOVE's Priority, the Move Originator AE Title (0000,1030) and the Move Originator
     * Message ID (0000,1031).
     *
     * @param aeTitle   the calling AE title of the association the C-MOVE-RQ came on.
     * @param messageId the C-MOVE-RQ's Message ID.
     * @param priority  the C-MOVE-RQ's Priority.
     */
    public void moveOriginator(final String aeTitle, final int messageId, final int priority)
    {
        this.moveOriginatorAeTitle = org.dimse4j.pdu.PduStrings.checkAeTitle(aeTitle);
        this.moveOriginatorMessageId = messageId;
        this.storePriority = priority;
    }

    /**
     * Runs a C-GET (its C-STORE sub-operations served meanwhile by {@link GetSubOperations}) or a C-MOVE to its
     * final response.
     *
     * @param received what the C-GET's store reports received so far, for the results.
     */
    private GetResult retrieve(final int contextId, final String sopClass, final int commandField,
        final String moveDestination, final DataSet identifier, final List<Path> received,
        final Consumer<GetResult> onPending) throws IOException
    {
        final int encoding = DataSetReader.encodingOf(association.transferSyntax(contextId));
        final String operation = CommandField.name(commandField);
        int remaining = -1;
        int completed = -1;
        int failed = -1;
        int warning = -1;
        try
        {
            final int messageId = sendRequest(contextId, sopClass, commandField, moveDestination, identifier,
                encoding);
            while (true)
            {
                final MessageQueue.ReceivedMessage msg = awaitMessage(operation);
                final CommandDecoder command = msg.command();
                if (command.commandField() != (commandField | CommandField.RESPONSE_BIT) ||
                    command.messageIdBeingRespondedTo() != messageId)
                {
                    continue;
                }
                remaining = command.contains(CommandElement.NUMBER_OF_REMAINING_SUB_OPERATIONS) ?
                    command.remainingSubOperations() : Status.isPending(command.status()) ? remaining : -1;
                completed = counter(command, CommandElement.NUMBER_OF_COMPLETED_SUB_OPERATIONS, completed);
                failed = counter(command, CommandElement.NUMBER_OF_FAILED_SUB_OPERATIONS, failed);
                warning = counter(command, CommandElement.NUMBER_OF_WARNING_SUB_OPERATIONS, warning);
                final int status = command.status();
                if (Status.isPending(status))
                {
                    if (onPending != null)
                    {
                        onPending.accept(new GetResult(status, remaining, completed, failed, warning, List.of(),
                            List.copyOf(received)));
                    }
                    continue;
                }
                List<String> failedUids = List.of();
                if (msg.hasDataSet())
                {
                    final DataSet list = DataSet.read(msg.dataSetBuffer(), msg.dataSetOffset(), msg.dataSetLength(),
                        encoding);
                    final String[] uids = list.strings(org.dimse4j.data.Tag.FAILED_SOP_INSTANCE_UID_LIST);
                    failedUids = uids == null ? List.of() : List.of(uids);
                }
                return new GetResult(status, remaining, completed, failed, warning, failedUids, List.copyOf(received));
            }
        }
        finally
        {
            findMessageId = -1;
            findContextId = -1;
        }
    }

    /**
     * Sends a C-FIND-RQ, C-GET-RQ or C-MOVE-RQ with its identifier and makes it the operation {@link #cancel} applies
     * to.
     *
     * @param moveDestination the Move Destination of a C-MOVE-RQ, else null.
     * @return its Message ID.
     */
    private int sendRequest(final int contextId, final String sopClass, final int commandField,
        final String moveDestination, final DataSet identifier, final int encoding) throws IOException
    {
        final int length = identifier.encodedLength(encoding);
        final UnsafeBuffer encoded = new UnsafeBuffer(new byte[Math.max(length, 1)]);
        identifier.write(encoded, 0, encoding);
        final int messageId = nextMessageId();
        final org.dimse4j.dimse.CommandEncoder rq = beginMsg(contextId)
            .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, sopClass)
            .putUS(CommandElement.COMMAND_FIELD, commandField)
            .putUS(CommandElement.MESSAGE_ID, messageId);
        if (moveDestination != null)
        {
            rq.putAE(CommandElement.MOVE_DESTINATION, moveDestination);
        }
        rq.putUS(CommandElement.PRIORITY, CommandElement.PRIORITY_MEDIUM)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT);
        findMessageId = messageId;
        findContextId = contextId;
        sendMsg(encoded, 0, length);
        return messageId;
    }

    /**
     * Waits for the next message of an operation: the DIMSE timeout runs from the last message, and on expiry the
     * association is aborted.
     */
    MessageQueue.ReceivedMessage awaitMessage(final String operation) throws IOException
    {
        final long start = System.nanoTime();
        while (true)
        {
            final MessageQueue.ReceivedMessage msg = getMsg(true);
            if (msg != null)
            {
                return msg;
            }
            if (association.isClosed() || association.outcome() != Outcome.OPEN)
            {
                throw ended("association ended during " + operation);
            }
            if (dimseTimeoutNs > 0 && System.nanoTime() - start >= dimseTimeoutNs)
            {
                association.abort();
                association.close();
                throw new AssociationException("no " + operation + " message within the DIMSE timeout; " +
                    "association aborted", Outcome.ABORTED_LOCALLY, 0);
            }
            // else the queue's ring gave a padding record: nothing to take yet
        }
    }

    private static int counter(final CommandDecoder command, final int tag, final int previous)
    {
        return command.contains(tag) ? command.us(tag) : previous;
    }

    /** @return the Message ID of the C-FIND, C-GET or C-MOVE under way (for {@link #cancel(int)} from its callback), or -1. */
    public int findMessageId()
    {
        return findMessageId;
    }

    /**
     * Sends a C-CANCEL-RQ for an operation under way, on its presentation context. The operation then ends with
     * its final response (normally 0xFE00 Cancel), which the caller of {@link #find} receives.
     *
     * @param messageId the Message ID of the C-FIND, C-GET or C-MOVE to cancel.
     * @throws IOException if the association ended.
     * @throws IllegalStateException if no C-FIND or C-GET with that Message ID is under way.
     */
    public void cancel(final int messageId) throws IOException
    {
        if (messageId != findMessageId || findContextId < 0)
        {
            throw new IllegalStateException("no operation with Message ID " + messageId + " is under way");
        }
        beginMsg(findContextId)
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_CANCEL_RQ)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, messageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE);
        sendMsg();
    }

    /** @return how many operations we may have outstanding: the negotiated window, at least 1. */
    public int window()
    {
        final AssociatePdu rq = association.associateRequest();
        final AssociatePdu ac = association.associateAccept();
        if (!rq.hasAsyncOperationsWindow() || !ac.hasAsyncOperationsWindow())
        {
            return 1;
        }
        final int ours = rq.maxOperationsInvoked();
        final int theirs = ac.maxOperationsInvoked();
        final int window = ours == 0 ? theirs : theirs == 0 ? ours : Math.min(ours, theirs);
        return window == 0 ? 1024 : window;
    }

    /**
     * Sends one file. Everything that can fail without touching the wire is checked first; once the command is
     * out, a file that fails to read aborts the association (a truncated data set must never be stored).
     *
     * @param pipelined register in the pending table (storeAll), or await it as the single response (store).
     */
    private void sendStore(final Path file, final boolean pipelined) throws IOException
    {
        final Part10Info info = Part10Reader.read(file);
        final String sopClass = info.mediaStorageSopClassUid();
        final String sopInstance = info.mediaStorageSopInstanceUid();
        if (sopClass == null || sopInstance == null)
        {
            throw new IOException(file + ": no Media Storage SOP Class/Instance UID in its file meta group");
        }
        final int contextId = contextFor(sopClass, info.transferSyntaxUid());
        if (contextId < 0)
        {
            throw new IOException(file + ": the peer accepted no presentation context for " + sopClass + " in " +
                info.transferSyntaxUid() + " (files are sent as they are, never transcoded)");
        }
        if (info.dataSetLength() <= 0)
        {
            throw new IOException(file + ": empty data set");
        }
        awaitSendRoom(); // the last data set's tail may still be waiting for the socket
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        final int messageId = provider.nextMessageId();
        if (!pipelined)
        {
            awaitedMessageId = messageId;
            responseArrived = false;
        }
        else
        {
            // registered before any byte is read back, so a quick response always finds its file; the slot is
            // taken only now, since responses read while waiting for send room above remove entries
            pendingIds[pendingCount] = messageId;
            pendingFiles[pendingCount] = file;
            pendingCount++;
        }
        try (channel)
        {
            final org.dimse4j.dimse.CommandEncoder rq = provider.beginCommand(association, contextId)
                .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, sopClass)
                .putUS(CommandElement.COMMAND_FIELD, CommandField.C_STORE_RQ)
                .putUS(CommandElement.MESSAGE_ID, messageId)
                .putUS(CommandElement.PRIORITY, storePriority)
                .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT)
                .putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, sopInstance);
            if (moveOriginatorAeTitle != null)
            {
                rq.putAE(CommandElement.MOVE_ORIGINATOR_AE_TITLE, moveOriginatorAeTitle)
                    .putUS(CommandElement.MOVE_ORIGINATOR_MESSAGE_ID, moveOriginatorMessageId);
            }
            provider.sendCommand();
            long position = info.dataSetOffset();
            long remaining = info.dataSetLength();
            while (remaining > 0)
            {
                final long sent = provider.sendDataSet(association, contextId, channel, position, remaining);
                position += sent;
                remaining -= sent;
                if (remaining > 0)
                {
                    awaitSendRoom();
                }
            }
        }
        catch (final AssociationException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            association.abort();
            association.close();
            throw new AssociationException("reading " + file + " failed mid data set; association aborted: " +
                ex.getMessage(), Outcome.ABORTED_LOCALLY, 0);
        }
    }

    private int contextFor(final String sopClass, final String transferSyntax)
    {
        for (int id = 1; id < 256; id += 2)
        {
            if (sopClass.equals(association.abstractSyntax(id)) && transferSyntax.equals(association.transferSyntax(id)))
            {
                return id;
            }
        }
        return -1;
    }

    private void awaitSendRoom() throws IOException
    {
        final long start = System.nanoTime();
        long lastWorkNs = start;
        while (association.pendingSendBytes() > 0)
        {
            if (association.isClosed())
            {
                throw ended("association ended while sending");
            }
            abortIfInterrupted();
            final long now = System.nanoTime();
            if (dimseTimeoutNs > 0 && now - start > dimseTimeoutNs)
            {
                // a peer that stops reading must not hold us (and our buffers) forever
                association.abort();
                association.close();
                throw new AssociationException("the peer read nothing for " +
                    TimeUnit.NANOSECONDS.toMillis(dimseTimeoutNs) + " ms (DIMSE timeout); association aborted",
                    Outcome.ABORTED_LOCALLY, 0);
            }
            if (association.doWork(now) > 0)
            {
                lastWorkNs = now;
            }
            else
            {
                idle(now, lastWorkNs);
            }
        }
    }

    /** Nothing to do: poll on until the AE's spin time since the last work has passed, then block. */
    private void idle(final long nowNs, final long lastWorkNs) throws IOException
    {
        if (nowNs - lastWorkNs < spinNs)
        {
            Thread.yield(); // lets the peer run when it shares our core; see SelectorIdleStrategy
        }
        else
        {
            selector.select(ignoreKey, MAX_BLOCK_MS);
        }
    }


    /**
     * Releases the association (A-RELEASE) and waits for the peer's A-RELEASE-RP, within the ACSE timeout.
     *
     * @throws IOException if the release did not complete normally.
     */
    public void release() throws IOException
    {
        if (association.isClosed())
        {
            throw ended("cannot release");
        }
        association.release();
        await(association::isClosed, 0, "A-RELEASE-RP");
        if (association.outcome() != Outcome.RELEASED)
        {
            throw ended("release did not complete");
        }
    }

    /** Aborts the association (A-ABORT) and closes the connection. */
    public void abort()
    {
        association.abort();
        association.close();
    }

    /** Releases if still established, otherwise just frees the connection; never throws. */
    @Override
    public void close()
    {
        try
        {
            if (!association.isClosed() && association.state() == State.STA6)
            {
                release();
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // closing anyway
        }
        finally
        {
            association.close();
            try
            {
                selector.close();
            }
            catch (final IOException ignore)
            {
                // nothing more to do
            }
        }
    }

    private void await(final java.util.function.BooleanSupplier done, final long timeoutNs, final String what)
        throws IOException
    {
        final long start = System.nanoTime();
        long lastWorkNs = start;
        while (!done.getAsBoolean())
        {
            abortIfInterrupted();
            final long now = System.nanoTime();
            if (timeoutNs > 0 && now - start > timeoutNs)
            {
                association.abort();
                association.close();
                throw new AssociationException("no " + what + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) +
                    " ms (DIMSE timeout); association aborted", Outcome.ABORTED_LOCALLY, 0);
            }
            if (association.outcome() != Outcome.OPEN && association.state() == State.STA13 &&
                association.isSendIdle())
            {
                association.close(); // we gave up (abort sent): no need to wait for the peer to close
                break;
            }
            if (association.doWork(now) > 0)
            {
                lastWorkNs = now;
            }
            else
            {
                idle(now, lastWorkNs);
            }
        }
    }

    private void abortIfInterrupted() throws AssociationException
    {
        if (Thread.currentThread().isInterrupted() && !association.isClosed())
        {
            association.abort();
            association.close();
            throw new AssociationException("interrupted; association aborted", Outcome.ABORTED_LOCALLY, 0);
        }
    }

    private AssociationException ended(final String what)
    {
        final String why = association.failure() != null ? association.failure() : association.outcome().toString();
        return new AssociationException(what + ": " + why, association.outcome(), association.rejectCode());
    }

    void onResponse(final CommandDecoder command)
    {
        final int id = command.messageIdBeingRespondedTo();
        if (callback != null)
        {
            for (int i = 0; i < pendingCount; i++)
            {
                if (pendingIds[i] == id)
                {
                    final Path file = pendingFiles[i];
                    final int last = pendingCount - 1;
                    pendingIds[i] = pendingIds[last];
                    pendingFiles[i] = pendingFiles[last];
                    pendingFiles[last] = null;
                    pendingCount = last;
                    final int status = command.status();
                    if (!Status.isSuccess(status) && !Status.isWarning(status))
                    {
                        failures++;
                    }
                    callback.onResult(file, status, null);
                    return;
                }
            }
            return;
        }
        if (id == awaitedMessageId)
        {
            responseStatus = command.status();
            responseArrived = true;
        }
    }

    boolean isAwaited(final int messageIdBeingRespondedTo)
    {
        if (callback != null)
        {
            for (int i = 0; i < pendingCount; i++)
            {
                if (pendingIds[i] == messageIdBeingRespondedTo)
                {
                    return true;
                }
            }
            return false;
        }
        return messageIdBeingRespondedTo == awaitedMessageId;
    }

    /**
     * Collects the responses the blocked caller waits for; every other message goes to the pull queue.
     */
    private static final class Responses implements DimseHandler
    {
        private MessageQueue queue;
        private ClientAssociation client;
        /** The C-STORE sub-operations of a C-GET under way, else null. */
        private GetSubOperations subOperations;

        /** The pull queue, made on first use: most associations never need its megabyte of off-heap memory. */
        MessageQueue queue()
        {
            if (queue == null)
            {
                queue = new MessageQueue(1 << 20, 1 << 19);
            }
            return queue;
        }

        @Override
        public void onClosed(final Association association)
        {
            if (subOperations != null)
            {
                subOperations.onClosed(association);
            }
            if (queue != null)
            {
                queue.close();
                queue = null;
            }
        }

        @Override
        public void onCommand(final DimseProvider provider, final Association association, final int contextId,
            final CommandDecoder command)
        {
            if (client != null && CommandField.isResponse(command.commandField()) &&
                client.isAwaited(command.messageIdBeingRespondedTo()) && !command.hasDataSet())
            {
                client.onResponse(command);
            }
            else if (subOperations == null || !subOperations.onCommand(provider, association, contextId, command))
            {
                queue().onCommand(provider, association, contextId, command);
            }
        }

        @Override
        public void onDataSetFragment(final DimseProvider provider, final Association association,
            final int contextId, final org.agrona.DirectBuffer buffer, final int offset, final int length,
            final boolean last)
        {
            if (subOperations != null &&
                subOperations.onDataSetFragment(provider, association, contextId, buffer, offset, length, last))
            {
                return;
            }
            queue().onDataSetFragment(provider, association, contextId, buffer, offset, length, last);
        }
    }

    /**
     * Takes the next message that no blocking call was waiting for (pynetdicom's {@code get_msg}): a request from
     * the peer, or a response to a message sent with {@link #beginMsg}/{@link #sendMsg()}.
     *
     * @param block wait up to the DIMSE timeout (forever when it is 0) for one to arrive.
     * @return the message, valid until the next call; null if none arrived.
     * @throws IOException if the association ends while waiting.
     */
    public MessageQueue.ReceivedMessage getMsg(final boolean block) throws IOException
    {
        return getMsg(block, dimseTimeoutNs);
    }

    /** {@link #getMsg(boolean)} with its own timeout (0 = forever). */
    MessageQueue.ReceivedMessage getMsg(final boolean block, final long timeoutNs) throws IOException
    {
        final long start = System.nanoTime();
        long lastWorkNs = start;
        while (true)
        {
            final boolean waiting = responses.queue != null && !responses.queue.isEmpty();
            if (!waiting || !association.isSendIdle())
            {
                // with messages already waiting, run the association only to flush what we sent (a C-CANCEL-RQ,
                // say): reading on would fill the queue faster than the caller takes from it
                final long now = System.nanoTime();
                if (association.doWork(now) > 0)
                {
                    lastWorkNs = now;
                }
                else if (block && !waiting)
                {
                    idle(now, lastWorkNs);
                }
            }
            if (association.isClosed())
            {
                throw ended("getMsg"); // the queue went with the association
            }
            if (block)
            {
                abortIfInterrupted();
            }
            final MessageQueue queue = responses.queue;
            if (queue != null && !queue.isEmpty())
            {
                final MessageQueue.ReceivedMessage message = queue.getMsg();
                if (message != null || !block)
                {
                    return message; // null here: a padding record at the ring's end was skipped
                }
            }
            else if (!block || (timeoutNs > 0 && System.nanoTime() - start >= timeoutNs))
            {
                return null;
            }
        }
    }

    /**
     * Looks at the next message without taking it (pynetdicom's {@code peek_msg}).
     *
     * @return its command field, or -1 if none waits.
     */
    public int peekMsg()
    {
        association.doWork(System.nanoTime());
        return association.isClosed() ? -1 : responses.queue().peekMsg();
    }

    /**
     * Starts a message: the returned encoder writes the command set straight into the send buffer. Put elements in
     * ascending tag order, then call {@link #sendMsg()} or {@link #sendMsg(org.agrona.DirectBuffer, int, int)}.
     *
     * @param contextId an accepted presentation context.
     * @return the encoder.
     */
    public org.dimse4j.dimse.CommandEncoder beginMsg(final int contextId) throws IOException
    {
        awaitSendRoom();
        return provider.beginCommand(association, contextId);
    }

    /** Sends the message begun by {@link #beginMsg}, without a data set. */
    public void sendMsg()
    {
        provider.sendCommand();
    }

    /**
     * Sends the message begun by {@link #beginMsg} and its data set.
     *
     * @param dataSet holding the data set, encoded in the context's transfer syntax.
     * @param offset  of its first byte.
     * @param length  its length.
     * @throws IOException if the association ends while sending.
     */
    public void sendMsg(final org.agrona.DirectBuffer dataSet, final int offset, final int length) throws IOException
    {
        final int contextId = provider.pendingContextId();
        provider.sendCommand();
        int sent = 0;
        do
        {
            sent += provider.sendDataSet(association, contextId, dataSet, offset + sent, length - sent);
            if (sent < length)
            {
                awaitSendRoom();
            }
        }
        while (sent < length);
    }

    /**
     * Sends the message begun by {@link #beginMsg} and a data set the caller produces fragment by fragment.
     *
     * @param dataSet the data set source.
     * @throws IOException if the source fails (the association is then aborted) or the association ends.
     */
    public void sendMsg(final org.dimse4j.dimse.DataSetSource dataSet) throws IOException
    {
        final int contextId = provider.pendingContextId();
        provider.sendCommand();
        try
        {
            while (dataSet.remaining() > 0)
            {
                provider.sendDataSet(association, contextId, dataSet);
                if (dataSet.remaining() > 0)
                {
                    awaitSendRoom();
                }
            }
        }
        catch (final AssociationException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            association.abort();
            association.close();
            throw new AssociationException("the data set source failed mid data set; association aborted: " +
                ex.getMessage(), Outcome.ABORTED_LOCALLY, 0);
        }
    }

    /** @return a fresh Message ID for a message sent with {@link #beginMsg}. */
    public int nextMessageId()
    {
        return provider.nextMessageId();
    }

    /** @return the application entity this association belongs to. */
    public ApplicationEntity applicationEntity()
    {
        return ae;
    }

    // ------------------------------------------------------------------------------------------------ DIMSE-N

    private NServiceUser nServiceUser()
    {
        if (nServiceUser == null)
        {
            nServiceUser = new NServiceUser(this);
        }
        return nServiceUser;
    }

    /**
     * Sends an N-CREATE-RQ on the first context accepted for {@code sopClass} and waits for its response. The peer's
     * N-EVENT-REPORT-RQs arriving meanwhile go to the {@link #onEventReport listener}, as in every N-* call.
     *
     * @param sopClass    Affected SOP Class UID.
     * @param sopInstance Affected SOP Instance UID, or null to let the SCP assign one (the response names it).
     * @param attributes  the Attribute List, or null.
     * @return the response: status, the instance's UID, the attribute list the SCP sent back.
     * @throws IOException if no such context was accepted, no response came within the DIMSE timeout, or the
     *                     association ended.
     */
    public NResponse nCreate(final String sopClass, final String sopInstance, final DataSet attributes)
        throws IOException
    {
        return nServiceUser().request(CommandField.N_CREATE_RQ, sopClass, sopInstance, -1, null, attributes);
    }

    /**
     * Sends an N-SET-RQ and waits for its response (see {@link #nCreate}).
     *
     * @param sopClass      Requested SOP Class UID.
     * @param sopInstance   Requested SOP Instance UID.
     * @param modifications the Modification List.
     * @return the response.
     * @throws IOException as {@link #nCreate}.
     */
    public NResponse nSet(final String sopClass, final String sopInstance, final DataSet modifications)
        throws IOException
    {
        return nServiceUser().request(CommandField.N_SET_RQ, sopClass, sopInstance, -1, null,
            java.util.Objects.requireNonNull(modifications, "modifications"));
    }

    /**
     * Sends an N-GET-RQ and waits for its response (see {@link #nCreate}).
     *
     * @param sopClass             Requested SOP Class UID.
     * @param sopInstance          Requested SOP Instance UID.
     * @param attributeIdentifiers the tags wanted; none asks for all.
     * @return the response, the Attribute List in its attributes.
     * @throws IOException as {@link #nCreate}.
     */
    public NResponse nGet(final String sopClass, final String sopInstance, final int... attributeIdentifiers)
        throws IOException
    {
        return nServiceUser().request(CommandField.N_GET_RQ, sopClass, sopInstance, -1, attributeIdentifiers, null);
    }

    /**
     * Sends an N-ACTION-RQ and waits for its response (see {@link #nCreate}).
     *
     * @param sopClass          Requested SOP Class UID.
     * @param sopInstance       Requested SOP Instance UID.
     * @param actionTypeId      Action Type ID.
     * @param actionInformation the Action Information, or null.
     * @return the response, an Action Reply in its attributes.
     * @throws IOException as {@link #nCreate}.
     */
    public NResponse nAction(final String sopClass, final String sopInstance, final int actionTypeId,
        final DataSet actionInformation) throws IOException
    {
        return nServiceUser().request(CommandField.N_ACTION_RQ, sopClass, sopInstance, actionTypeId, null,
            actionInformation);
    }

    /**
     * Sends an N-DELETE-RQ and waits for its response (see {@link #nCreate}).
     *
     * @param sopClass    Requested SOP Class UID.
     * @param sopInstance Requested SOP Instance UID.
     * @return the response.
     * @throws IOException as {@link #nCreate}.
     */
    public NResponse nDelete(final String sopClass, final String sopInstance) throws IOException
    {
        return nServiceUser().request(CommandField.N_DELETE_RQ, sopClass, sopInstance, -1, null, null);
    }

    /**
     * Sends an N-EVENT-REPORT-RQ and waits for its response (see {@link #nCreate}).
     *
     * @param sopClass         Affected SOP Class UID.
     * @param sopInstance      Affected SOP Instance UID.
     * @param eventTypeId      Event Type ID.
     * @param eventInformation the Event Information, or null.
     * @return the response, an Event Reply in its attributes.
     * @throws IOException as {@link #nCreate}.
     */
    public NResponse nEventReport(final String sopClass, final String sopInstance, final int eventTypeId,
        final DataSet eventInformation) throws IOException
    {
        return nServiceUser().request(CommandField.N_EVENT_REPORT_RQ, sopClass, sopInstance, eventTypeId, null,
            eventInformation);
    }

    /**
     * Sets who answers the N-EVENT-REPORT-RQs the peer sends on this association while an N-* call or
     * {@link #awaitEventReport} runs; without one they are answered 0x0211 (unrecognized operation).
     *
     * @param listener the listener, or null.
     */
    public void onEventReport(final EventReportListener listener)
    {
        nServiceUser().listener(listener);
    }

    /**
     * Waits for the peer to send an N-EVENT-REPORT-RQ on this association (a Storage Commitment result, say),
     * answers it, and returns. Other messages that arrive meanwhile are dropped.
     *
     * @param timeoutMs how long to wait.
     * @param listener  answers it; null uses the one set with {@link #onEventReport}.
     * @return true if one arrived and was answered, false if none came in time.
     * @throws IOException if the association ended.
     */
    public boolean awaitEventReport(final long timeoutMs, final EventReportListener listener) throws IOException
    {
        return nServiceUser().awaitEventReport(timeoutMs, listener);
    }
}
