package org.dimse4j.ae;

import org.dimse4j.data.DataSet;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.Tag;
import org.dimse4j.data.Uid;
import org.dimse4j.data.Uids;
import org.dimse4j.dimse.Status;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Storage Commitment Push Model (PS3.4 Annex J), the requestor's side and the data both sides share: the
 * N-ACTION-RQ (Action Type ID 1, Request Storage Commitment) names a Transaction UID and the instances in its
 * Referenced SOP Sequence; the SCP answers the N-ACTION at once and later sends the result as an N-EVENT-REPORT-RQ
 * on the well-known instance 1.2.840.10008.1.20.1.1: Event Type ID 1 when every instance is committed, 2 when some
 * failed (Failed SOP Sequence, each with a Failure Reason). The report comes on the requesting association if it
 * is still open, else on a new association the SCP opens to the requestor: receive those with a listening AE built
 * with {@link ApplicationEntity.Builder#acceptStorageCommitmentResults} and a {@link ResultCollector}.
 */
public final class StorageCommitment
{
    /** Action Type ID of N-ACTION: Request Storage Commitment. */
    public static final int ACTION_REQUEST = 1;
    /** Event Type ID of N-EVENT-REPORT: Storage Commitment Request Successful (every instance committed). */
    public static final int EVENT_SUCCESSFUL = 1;
    /** Event Type ID of N-EVENT-REPORT: Storage Commitment Request Complete - Failures Exist. */
    public static final int EVENT_FAILURES_EXIST = 2;
    /** Failure Reason (0008,1197): processing failure. */
    public static final int REASON_PROCESSING_FAILURE = 0x0110;
    /** Failure Reason: no such object instance. */
    public static final int REASON_NO_SUCH_OBJECT_INSTANCE = 0x0112;
    /** Failure Reason: resource limitation. */
    public static final int REASON_RESOURCE_LIMITATION = 0x0213;
    /** Failure Reason: referenced SOP class not supported. */
    public static final int REASON_SOP_CLASS_NOT_SUPPORTED = 0x0122;
    /** Failure Reason: class / instance conflict. */
    public static final int REASON_CLASS_INSTANCE_CONFLICT = 0x0119;
    /** Failure Reason: duplicate transaction UID. */
    public static final int REASON_DUPLICATE_TRANSACTION_UID = 0x0131;

    private StorageCommitment()
    {
    }

    /**
     * An instance named in a commitment.
     *
     * @param sopClassUid    Referenced SOP Class UID (0008,1150).
     * @param sopInstanceUid Referenced SOP Instance UID (0008,1155).
     */
    public record Reference(String sopClassUid, String sopInstanceUid)
    {
        /**
         * @param file a Part 10 file.
         * @return the instance it holds, from its File Meta Information.
         * @throws IOException if it cannot be read or names no SOP class or instance.
         */
        public static Reference of(final Path file) throws IOException
        {
            final Part10Info info = Part10Reader.read(file);
            if (info.mediaStorageSopClassUid() == null || info.mediaStorageSopInstanceUid() == null)
            {
                throw new IOException(file + ": no Media Storage SOP Class/Instance UID in its file meta group");
            }
            return new Reference(info.mediaStorageSopClassUid(), info.mediaStorageSopInstanceUid());
        }
    }

    /**
     * An instance the SCP could not commit.
     *
     * @param reference the instance.
     * @param reason    its Failure Reason (0008,1197), one of the {@code REASON_*} values.
     */
    public record Failure(Reference reference, int reason)
    {
    }

    /**
     * The outcome of a commitment request, as reported in the N-EVENT-REPORT.
     *
     * @param transactionUid  Transaction UID (0008,1195).
     * @param eventTypeId     {@link #EVENT_SUCCESSFUL} or {@link #EVENT_FAILURES_EXIST}.
     * @param retrieveAeTitle Retrieve AE Title (0008,0054) the SCP gave, or null.
     * @param committed       the Referenced SOP Sequence: instances committed.
     * @param failed          the Failed SOP Sequence.
     */
    public record Result(String transactionUid, int eventTypeId, String retrieveAeTitle, List<Reference> committed,
        List<Failure> failed)
    {
        /** @return true if every instance was committed. */
        public boolean allCommitted()
        {
            return eventTypeId == EVENT_SUCCESSFUL && failed.isEmpty();
        }

        /**
         * Reads an N-EVENT-REPORT's Event Information.
         *
         * @param eventTypeId the Event Type ID.
         * @param information the Event Information.
         * @return the result.
         * @throws IllegalArgumentException if it has no Transaction UID or an attribute has the wrong form.
         */
        public static Result of(final int eventTypeId, final DataSet information)
        {
            final String transaction = information == null ? null : information.string(Tag.TRANSACTION_UID);
            if (transaction == null || transaction.isEmpty())
            {
                throw new IllegalArgumentException("Event Information without a Transaction UID");
            }
            try
            {
                final List<Reference> committed = new ArrayList<>();
                final List<DataSet> done = information.sequence(Tag.REFERENCED_SOP_SEQUENCE);
                if (done != null)
                {
                    for (final DataSet item : done)
                    {
                        committed.add(reference(item));
                    }
                }
                final List<Failure> failed = new ArrayList<>();
                final List<DataSet> notDone = information.sequence(Tag.FAILED_SOP_SEQUENCE);
                if (notDone != null)
                {
                    for (final DataSet item : notDone)
                    {
                        failed.add(new Failure(reference(item),
                            item.intValue(Tag.FAILURE_REASON, REASON_PROCESSING_FAILURE)));
                    }
                }
                return new Result(transaction, eventTypeId, information.string(Tag.RETRIEVE_AE_TITLE),
                    List.copyOf(committed), List.copyOf(failed));
            }
            catch (final IllegalStateException | NumberFormatException ex)
            {
                throw new IllegalArgumentException("malformed Event Information: " + ex.getMessage(), ex);
            }
        }

        /** @return the Event Information of this result's N-EVENT-REPORT (PS3.4 Table J.3-2). */
        public DataSet toEventInformation()
        {
            final DataSet information = new DataSet();
            information.putString(Tag.RETRIEVE_AE_TITLE, retrieveAeTitle);
            information.putString(Tag.TRANSACTION_UID, transactionUid);
            if (!failed.isEmpty())
            {
                information.putSequence(Tag.FAILED_SOP_SEQUENCE);
                for (final Failure failure : failed)
                {
                    addReference(information, Tag.FAILED_SOP_SEQUENCE, failure.reference())
                        .putUS(Tag.FAILURE_REASON, failure.reason());
                }
            }
            if (!committed.isEmpty())
            {
                putReferences(information, committed);
            }
            return information;
        }
    }

    static Reference reference(final DataSet item)
    {
        return new Reference(item.string(Tag.REFERENCED_SOP_CLASS_UID), item.string(Tag.REFERENCED_SOP_INSTANCE_UID));
    }

    /** @return a new item of the sequence holding the reference's SOP Class and Instance UIDs. */
    private static DataSet addReference(final DataSet information, final int sequenceTag, final Reference reference)
    {
        final DataSet item = information.addItem(sequenceTag);
        item.putString(Tag.REFERENCED_SOP_CLASS_UID, reference.sopClassUid());
        item.putString(Tag.REFERENCED_SOP_INSTANCE_UID, reference.sopInstanceUid());
        return item;
    }

    /** Puts the Referenced SOP Sequence, one item a reference. */
    private static void putReferences(final DataSet information, final List<Reference> references)
    {
        information.putSequence(Tag.REFERENCED_SOP_SEQUENCE);
        for (final Reference reference : references)
        {
            addReference(information, Tag.REFERENCED_SOP_SEQUENCE, reference);
        }
    }

    /**
     * @param transactionUid the Transaction UID.
     * @param references     the instances.
     * @return the Action Information of the N-ACTION-RQ (PS3.4 Table J.3-1).
     */
    public static DataSet actionInformation(final String transactionUid, final List<Reference> references)
    {
        final DataSet information = new DataSet();
        information.putString(Tag.TRANSACTION_UID, transactionUid);
        putReferences(information, references);
        return information;
    }

    /**
     * Sends the N-ACTION-RQ of a commitment request and waits for its N-ACTION-RSP (not for the result).
     *
     * @param association    an association with an accepted Storage Commitment Push Model context.
     * @param transactionUid the Transaction UID (e.g. {@link Uids#random()}).
     * @param references     the instances.
     * @return the N-ACTION-RSP.
     * @throws IOException if no such context was accepted or the association failed.
     */
    public static NResponse request(final ClientAssociation association, final String transactionUid,
        final List<Reference> references) throws IOException
    {
        return association.nAction(Uid.STORAGE_COMMITMENT_PUSH_MODEL, Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE,
            ACTION_REQUEST, actionInformation(transactionUid, references));
    }

    /**
     * Requests commitment and waits for the result on the same association.
     *
     * @param association an association with an accepted Storage Commitment Push Model context.
     * @param references  the instances.
     * @param timeoutMs   how long to wait for the result after the N-ACTION-RSP.
     * @return the result, or null if none came in time (the SCP may then send it on a new association later).
     * @throws IOException if the N-ACTION is refused or the association fails.
     */
    public static Result requestAndAwait(final ClientAssociation association, final List<Reference> references,
        final long timeoutMs) throws IOException
    {
        final String transactionUid = Uids.random();
        final ResultCollector collector = new ResultCollector();
        association.onEventReport(collector);
        try
        {
            final NResponse response = request(association, transactionUid, references);
            if (!response.isPerformed())
            {
                throw new IOException("the SCP refused the commitment request: status 0x" +
                    Integer.toHexString(response.status()) +
                    (response.errorComment() == null ? "" : " (" + response.errorComment() + ")"));
            }
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true)
            {
                final Result result = collector.take(transactionUid);
                if (result != null)
                {
                    return result;
                }
                final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !association.awaitEventReport(left, null))
                {
                    return null;
                }
            }
        }
        finally
        {
            association.onEventReport(null);
        }
    }

    /**
     * Collects Storage Commitment results from N-EVENT-REPORT-RQs, on a listening AE ({@link NServiceHandler}) or on
     * the requesting association ({@link EventReportListener}), keyed by Transaction UID. Thread-safe.
     */
    public static final class ResultCollector implements NServiceHandler, EventReportListener
    {
        private final Map<String, Result> results = new HashMap<>();

        @Override
        public NResponse nEventReport(final NSession session, final String sopClass, final String sopInstance,
            final int eventTypeId, final DataSet eventInformation)
        {
            return onEventReport(sopClass, sopInstance, eventTypeId, eventInformation);
        }

        @Override
        public NResponse onEventReport(final String sopClass, final String sopInstance, final int eventTypeId,
            final DataSet eventInformation)
        {
            if (!Uid.STORAGE_COMMITMENT_PUSH_MODEL.equals(sopClass))
            {
                return NResponse.of(Status.NO_SUCH_SOP_CLASS, "not a Storage Commitment report");
            }
            if (!Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE.equals(sopInstance))
            {
                return NResponse.of(Status.NO_SUCH_SOP_INSTANCE, "not the well-known commitment instance");
            }
            if (eventTypeId != EVENT_SUCCESSFUL && eventTypeId != EVENT_FAILURES_EXIST)
            {
                return NResponse.of(Status.NO_SUCH_EVENT_TYPE, "event type " + eventTypeId);
            }
            final Result result;
            try
            {
                result = Result.of(eventTypeId, eventInformation);
            }
            catch (final IllegalArgumentException ex)
            {
                return NResponse.of(Status.INVALID_ARGUMENT_VALUE, ex.getMessage());
            }
            synchronized (this)
            {
                results.put(result.transactionUid(), result);
                notifyAll();
            }
            return NResponse.success();
        }

        /**
         * @param transactionUid a Transaction UID.
         * @return its result, removed from the collector, or null if it has not arrived.
         */
        public synchronized Result take(final String transactionUid)
        {
            return results.remove(transactionUid);
        }

        /**
         * Waits for the result of a transaction.
         *
         * @param transactionUid the Transaction UID.
         * @param timeoutMs      how long to wait.
         * @return the result, removed from the collector, or null if it did not come in time.
         * @throws InterruptedException if interrupted while waiting.
         */
        public synchronized Result await(final String transactionUid, final long timeoutMs) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (!results.containsKey(transactionUid))
            {
                final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0)
                {
                    return null;
                }
                wait(left);
            }
            return results.remove(transactionUid);
        }
    }
}
