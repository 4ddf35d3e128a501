package org.dimse4j.ae;

import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.data.Uid;
import org.dimse4j.data.Uids;
import org.dimse4j.dimse.Status;
import org.dimse4j.service.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our Storage Commitment SCU against our Storage Commitment SCP over loopback: results with failure reasons on the
 * requesting association, on a new association to the requestor's listening AE once the requesting one has ended,
 * and a requestor missing from the AE table (logged and counted, nothing breaks).
 */
@Timeout(60)
class StorageCommitmentLoopbackTest
{
    private static final String CT = Uid.CT_IMAGE_STORAGE;
    private static final String MR = Uid.MR_IMAGE_STORAGE;
    private static final StorageCommitment.Reference HELD = new StorageCommitment.Reference(CT, "1.2.3.1");
    private static final StorageCommitment.Reference MISSING = new StorageCommitment.Reference(CT, "1.2.3.9");
    private static final StorageCommitment.Reference WRONG_CLASS = new StorageCommitment.Reference(CT, "1.2.3.2");

    private static ArchiveIndex index()
    {
        final ArchiveIndex index = new ArchiveIndex();
        index.add(new DataSet().putString(Tag.SOP_CLASS_UID, CT).putString(Tag.SOP_INSTANCE_UID, "1.2.3.1"), null);
        index.add(new DataSet().putString(Tag.SOP_CLASS_UID, MR).putString(Tag.SOP_INSTANCE_UID, "1.2.3.2"), null);
        return index;
    }

    private static ClientAssociation connect(final Server server) throws IOException
    {
        return ApplicationEntity.named("MODALITY").dimseTimeoutMs(10_000).build().connect("127.0.0.1",
            server.port(), "ARCHIVE", ContextRequest.of(Uid.STORAGE_COMMITMENT_PUSH_MODEL),
            ContextRequest.of(Verification.SOP_CLASS));
    }

    /** Holds every task until opened: the result is then reported after the requesting association has ended. */
    private static final class Gate implements Executor
    {
        final CountDownLatch open = new CountDownLatch(1);

        @Override
        public void execute(final Runnable task)
        {
            final Thread thread = new Thread(() ->
            {
                try
                {
                    open.await();
                    task.run();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }, "gate");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static void awaitCount(final IntSupplier count, final int expected) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (count.getAsInt() < expected && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        assertEquals(expected, count.getAsInt());
    }

    @Test
    void shouldReportFailuresAndSuccessOnTheRequestingAssociation() throws IOException
    {
        final StorageCommitmentService service = new StorageCommitmentService(index());
        try (Server server = ApplicationEntity.named("ARCHIVE").acceptVerification().acceptStorageCommitment(service)
            .build().listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = connect(server))
        {
            StorageCommitment.Result result = StorageCommitment.requestAndAwait(assoc,
                List.of(HELD, MISSING, WRONG_CLASS), 10_000);
            assertNotNull(result, "the result came on the requesting association");
            assertEquals(StorageCommitment.EVENT_FAILURES_EXIST, result.eventTypeId());
            assertFalse(result.allCommitted());
            assertEquals(List.of(HELD), result.committed());
            assertEquals(List.of(
                new StorageCommitment.Failure(MISSING, StorageCommitment.REASON_NO_SUCH_OBJECT_INSTANCE),
                new StorageCommitment.Failure(WRONG_CLASS, StorageCommitment.REASON_CLASS_INSTANCE_CONFLICT)),
                result.failed());
            assertEquals("ARCHIVE", result.retrieveAeTitle());

            result = StorageCommitment.requestAndAwait(assoc, List.of(HELD), 10_000);
            assertEquals(StorageCommitment.EVENT_SUCCESSFUL, result.eventTypeId());
            assertTrue(result.allCommitted());
            assertEquals(2, service.sameAssociationCount());

            assertEquals(Status.NO_SUCH_ACTION_TYPE, assoc.nAction(Uid.STORAGE_COMMITMENT_PUSH_MODEL,
                Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, 2, null).status());
            assertEquals(Status.NO_SUCH_SOP_INSTANCE, assoc.nAction(Uid.STORAGE_COMMITMENT_PUSH_MODEL, "1.2.3",
                StorageCommitment.ACTION_REQUEST, StorageCommitment.actionInformation(Uids.random(),
                    List.of(HELD))).status());
            assertEquals(Status.INVALID_ARGUMENT_VALUE, StorageCommitment.request(assoc, Uids.random(), List.of())
                .status(), "no Referenced SOP Sequence items");
            assertEquals(Status.INVALID_ARGUMENT_VALUE, assoc.nAction(Uid.STORAGE_COMMITMENT_PUSH_MODEL,
                Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, StorageCommitment.ACTION_REQUEST,
                new DataSet().putString(Tag.PATIENT_ID, "X")).status(), "no Transaction UID");
            assertEquals(Status.SUCCESS, assoc.echo());
        }
    }

    @Test
    void shouldReportOnANewAssociationToTheRequestorOnceItsOwnHasEnded() throws Exception
    {
        final StorageCommitment.ResultCollector collector = new StorageCommitment.ResultCollector();
        try (Server modality = ApplicationEntity.named("MODALITY").acceptStorageCommitmentResults(collector).build()
            .listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            final Gate gate = new Gate();
            final StorageCommitmentService service = new StorageCommitmentService(index(), gate);
            try (Server archive = ApplicationEntity.named("ARCHIVE").acceptStorageCommitment(service)
                .acceptVerification()
                .remoteAes(AeTable.of(new RemoteAe("MODALITY", "127.0.0.1", modality.port())))
                .build().listen(new InetSocketAddress("127.0.0.1", 0)))
            {
                final String transaction = Uids.random();
                try (ClientAssociation assoc = connect(archive))
                {
                    assertEquals(Status.SUCCESS,
                        StorageCommitment.request(assoc, transaction, List.of(HELD, MISSING)).status());
                    assoc.release();
                }
                gate.open.countDown();
                final StorageCommitment.Result result = collector.await(transaction, 20_000);
                assertNotNull(result, "the result came to the listening AE");
                assertEquals(StorageCommitment.EVENT_FAILURES_EXIST, result.eventTypeId());
                assertEquals(List.of(HELD), result.committed());
                assertEquals(List.of(new StorageCommitment.Failure(MISSING,
                    StorageCommitment.REASON_NO_SUCH_OBJECT_INSTANCE)), result.failed());
                awaitCount(service::newAssociationCount, 1);
                assertEquals(0, service.sameAssociationCount());
                assertEquals(0, service.undeliveredCount());
            }
        }
    }

    @Test
    void shouldLogAndCountAResultForARequestorMissingFromTheAeTable() throws Exception
    {
        final Gate gate = new Gate();
        final StorageCommitmentService service = new StorageCommitmentService(index(), gate);
        try (Server archive = ApplicationEntity.named("ARCHIVE").acceptStorageCommitment(service)
            .acceptVerification().build().listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            try (ClientAssociation assoc = connect(archive))
            {
                assertEquals(Status.SUCCESS,
                    StorageCommitment.request(assoc, Uids.random(), List.of(HELD)).status());
                assoc.release();
            }
            gate.open.countDown();
            awaitCount(service::undeliveredCount, 1);
            assertEquals(0, service.newAssociationCount());
            try (ClientAssociation assoc = connect(archive))
            {
                assertEquals(Status.SUCCESS, assoc.echo(), "the SCP serves on");
                final StorageCommitment.Result result = StorageCommitment.requestAndAwait(assoc, List.of(HELD),
                    10_000);
                assertTrue(result.allCommitted());
            }
        }
    }
}
