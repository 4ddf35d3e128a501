package org.dimse4j.archive;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.Part10Writer;
import org.dimse4j.dimse.Status;
import org.dimse4j.pdu.PduStrings;
import org.dimse4j.service.InstanceStore;
import org.dimse4j.service.InstanceWriter;
import org.dimse4j.service.StorageListener;
import org.dimse4j.service.StoredInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default storage sink: one Part 10 file per instance, named by its SOP Instance UID.
 * <p>
 * The data set streams from the receive ring into a temporary file under {@code .incoming/} in the archive
 * directory, behind a file meta group we write; only when the last fragment is written is the file renamed (an
 * atomic move on the same file system) to its final name, optionally after an fsync. So a partly received instance
 * is never visible in the archive, and Success is answered only for durable files. The stored data set bytes are
 * exactly the bytes the peer sent. UIDs are checked against the UID grammar (digits and dots, no empty component, no
 * leading zero, at most 64 characters) before they become file names: an invalid SOP Instance UID is refused with
 * 0x0117 (Invalid SOP Instance), an invalid Study or Series Instance UID for the study/series layout with 0xC000.
 * <p>
 * With {@link #createAhead(int)} the temporary files are created ahead on a background thread, which takes the file
 * create off the I/O thread; {@link #close()} then removes the files not used.
 */
public final class DirectoryStore implements InstanceStore, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryStore.class);
    private static final String INCOMING = ".incoming";
    private static final ThreadLocal<UnsafeBuffer> META = ThreadLocal.withInitial(
        () -> new UnsafeBuffer(ByteBuffer.allocateDirect(1024)));
    private static final ThreadLocal<ByteBuffer> COPY = ThreadLocal.withInitial(
        () -> ByteBuffer.allocateDirect(64 * 1024));

    /** When a file is durable. */
    public enum Durability
    {
        /** Renamed into place once written: survives a process crash, not necessarily a power loss. */
        RENAME,
        /** fsync, then renamed into place: survives a power loss. */
        FSYNC_RENAME
    }

    /** Where a stored instance's file goes under the archive directory. */
    public enum Layout
    {
        /** {@code <SOP Instance UID>.dcm} */
        FLAT,
        /** {@code <Study Instance UID>/<Series Instance UID>/<SOP Instance UID>.dcm}, read from the data set. */
        STUDY_SERIES_INSTANCE
    }

    /** What to do when an instance with the same SOP Instance UID is already stored. */
    public enum Duplicates
    {
        /** Replace the stored file. */
        OVERWRITE,
        /** Keep the stored file, discard the new one, answer Success. */
        KEEP,
        /** Keep the stored file and refuse the new one (0x0111 duplicate SOP instance). */
        REJECT
    }

    private final Path root;
    private final Path incoming;
    private final Durability durability;
    private final Duplicates duplicates;
    private final StorageListener listener;
    private Layout layout = Layout.FLAT;
    private boolean checkIdentity;
    private TempFilePool ahead;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();

    /**
     * @param root       the archive directory (created if missing).
     * @param durability when a file counts as stored.
     * @param duplicates what to do with a SOP Instance UID stored before.
     * @param listener   told of each stored instance, or null.
     * @throws IOException if the directory cannot be made.
     */
    public DirectoryStore(final Path root, final Durability durability, final Duplicates duplicates,
        final StorageListener listener) throws IOException
    {
        this.root = root.toAbsolutePath();
        this.incoming = this.root.resolve(INCOMING);
        this.durability = durability;
        this.duplicates = duplicates;
        this.listener = listener;
        Files.createDirectories(incoming);
        try (var leftovers = Files.walk(incoming, 2))
        {
            for (final Path p : (Iterable<Path>)leftovers.filter(p -> p.toString().endsWith(".part"))::iterator)
            {
                Files.deleteIfExists(p); // an earlier run died mid-instance: never let it surface
            }
        }
    }

    /**
     * @param root the archive directory.
     * @return a store that renames into place and overwrites duplicates.
     * @throws IOException if the directory cannot be made.
     */
    public static DirectoryStore of(final Path root) throws IOException
    {
        return new DirectoryStore(root, Durability.RENAME, Duplicates.OVERWRITE, null);
    }

    /**
     * @param layout where files go; default {@link Layout#FLAT}.
     * @return this.
     */
    public DirectoryStore layout(final Layout layout)
    {
        this.layout = layout;
        return this;
    }

    /**
     * @param check refuse (0xA900, data set does not match SOP class) an instance whose data set's SOP Class UID
     *              (0008,0016) or SOP Instance UID (0008,0018) differs from what its C-STORE-RQ announced.
     * @return this.
     */
    public DirectoryStore checkIdentity(final boolean check)
    {
        this.checkIdentity = check;
        return this;
    }

    /**
     * Keeps up to {@code files} empty temporary files created ahead by a background thread (at most once per store).
     *
     * @param files how many to keep ready, at least 2; 0 leaves every instance to create its own.
     * @return this.
     * @throws IOException if the directories for them cannot be made.
     */
    public DirectoryStore createAhead(final int files) throws IOException
    {
        if (ahead != null)
        {
            throw new IllegalStateException("temporary files are already created ahead for " + root);
        }
        if (files > 0)
        {
            ahead = new TempFilePool(incoming, files);
        }
        return this;
    }

    /** @return temporary files created ahead and ready now (0 without {@link #createAhead(int)}). */
    int readyCount()
    {
        final TempFilePool pool = ahead;
        return pool == null ? 0 : pool.readyCount();
    }

    /** Stops creating temporary files ahead and deletes those not used; storing goes on without them. */
    @Override
    public void close()
    {
        final TempFilePool pool = ahead;
        if (pool != null)
        {
            pool.close();
        }
    }

    /**
     * @param file a path.
     * @return whether it lies under a store's {@code .incoming/} directory: a temporary file, never a stored
     * instance (tools walking a live archive leave these out).
     */
    public static boolean isTemporary(final Path file)
    {
        for (Path p = file.getParent(); p != null; p = p.getParent())
        {
            final Path name = p.getFileName();
            if (name != null && name.toString().equals(INCOMING))
            {
                return true;
            }
        }
        return false;
    }

    /** @return the archive directory. */
    public Path root()
    {
        return root;
    }

    /** @return instances stored since this store was made. */
    public long storedCount()
    {
        return stored.get();
    }

    /**
     * @param sopInstanceUid a SOP Instance UID.
     * @return where an instance with that UID is stored.
     */
    public Path pathOf(final String sopInstanceUid)
    {
        return root.resolve(sopInstanceUid + ".dcm");
    }

    /**
     * @param studyUid       Study Instance UID.
     * @param seriesUid      Series Instance UID.
     * @param sopInstanceUid SOP Instance UID.
     * @return where an instance is stored with {@link Layout#STUDY_SERIES_INSTANCE}.
     */
    public Path pathOf(final String studyUid, final String seriesUid, final String sopInstanceUid)
    {
        return root.resolve(studyUid).resolve(seriesUid).resolve(sopInstanceUid + ".dcm");
    }

    /** {@inheritDoc} */
    @Override
    public InstanceWriter open(final StoreRequest request) throws IOException
    {
        if (!PduStrings.isValidUid(request.sopInstanceUid()))
        {
            // PS3.7 C.5.12: the UID violates the construction rules; it never becomes a file name
            throw new StoreRefusedException(Status.INVALID_OBJECT_INSTANCE,
                "SOP Instance UID is not a valid UID: '" + request.sopInstanceUid() + "'");
        }
        if (!PduStrings.isValidUid(request.sopClassUid()) || !PduStrings.isValidUid(request.transferSyntaxUid()))
        {
            throw new StoreRefusedException(Status.CANNOT_UNDERSTAND, "invalid SOP Class or Transfer Syntax UID");
        }
        final Path target = pathOf(request.sopInstanceUid());
        if (duplicates == Duplicates.REJECT && layout == Layout.FLAT && Files.exists(target))
        {
            throw new StoreRefusedException(Status.DUPLICATE_SOP_INSTANCE,
                "SOP Instance " + request.sopInstanceUid() + " is already stored");
        }
        final TempFilePool.TempFile readyFile = ahead == null ? null : ahead.poll();
        final Path temp;
        final FileChannel channel;
        if (readyFile != null)
        {
            temp = readyFile.path();
            channel = readyFile.channel();
        }
        else
        {
            temp = incoming.resolve(request.sopInstanceUid() + "-" + sequence.incrementAndGet() + ".part");
            channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        final FileWriter writer = new FileWriter(request, temp, target, channel);
        try
        {
            final UnsafeBuffer meta = META.get();
            final int length = Part10Writer.writeMeta(meta, 0, request.sopClassUid(), request.sopInstanceUid(),
                request.transferSyntaxUid(), request.callingAeTitle());
            final byte[] metaBytes = new byte[length];
            meta.getBytes(0, metaBytes);
            writer.pendingMeta = ByteBuffer.wrap(metaBytes); // goes out with the first fragment, in one system call
            writer.metaLength = length;
        }
        catch (final RuntimeException ex)
        {
            writer.abort(); // e.g. an AE title or UID the meta group cannot hold
            throw new IOException(ex.getMessage(), ex);
        }
        return writer;
    }

    private final class FileWriter implements InstanceWriter
    {
        private final StoreRequest request;
        private final Path temp;
        private Path target;
        private final FileChannel channel;
        private long written;
        private int metaLength;
        private ByteBuffer pendingMeta;
        private final ByteBuffer[] gather = new ByteBuffer[2];
        private boolean done;

        FileWriter(final StoreRequest request, final Path temp, final Path target, final FileChannel channel)
        {
            this.request = request;
            this.temp = temp;
            this.target = target;
            this.channel = channel;
        }

        @Override
        public void write(final DirectBuffer buffer, final int offset, final int length) throws IOException
        {
            final ByteBuffer view = buffer.byteBuffer();
            if (view != null && view.isDirect() && buffer.wrapAdjustment() == 0)
            {
                view.limit(offset + length).position(offset);
                if (pendingMeta != null)
                {
                    gather[0] = pendingMeta;
                    gather[1] = view;
                    while (pendingMeta.hasRemaining() || view.hasRemaining())
                    {
                        channel.write(gather);
                    }
                    gather[1] = null;
                    metaWritten();
                }
                while (view.hasRemaining())
                {
                    channel.write(view);
                }
            }
            else
            {
                writePendingMeta();
                final ByteBuffer copy = COPY.get();
                int done = 0;
                while (done < length)
                {
                    final int n = Math.min(copy.capacity(), length - done);
                    copy.clear().limit(n);
                    buffer.getBytes(offset + done, copy, 0, n);
                    while (copy.hasRemaining())
                    {
                        channel.write(copy);
                    }
                    done += n;
                }
            }
            written += length;
        }

        private void writePendingMeta() throws IOException
        {
            if (pendingMeta != null)
            {
                while (pendingMeta.hasRemaining())
                {
                    channel.write(pendingMeta);
                }
                metaWritten();
            }
        }

        private void metaWritten()
        {
            written += metaLength;
            pendingMeta = null;
            gather[0] = null;
        }

        @Override
        public int commit() throws IOException
        {
            try
            {
                writePendingMeta(); // an empty data set
                if (durability == Durability.FSYNC_RENAME)
                {
                    channel.force(false);
                }
                channel.close();
                if (layout == Layout.STUDY_SERIES_INSTANCE || checkIdentity)
                {
                    inspect();
                }
                if (duplicates == Duplicates.KEEP && Files.exists(target))
                {
                    Files.deleteIfExists(temp);
                }
                else if (duplicates == Duplicates.REJECT)
                {
                    try
                    {
                        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                    }
                    catch (final FileAlreadyExistsException ex)
                    {
                        throw new StoreRefusedException(Status.DUPLICATE_SOP_INSTANCE,
                            "SOP Instance " + request.sopInstanceUid() + " is already stored");
                    }
                }
                else
                {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                done = true;
            }
            finally
            {
                if (!done)
                {
                    abort();
                }
            }
            stored.incrementAndGet();
            if (listener != null)
            {
                listener.onStored(new StoredInstance(target, request.sopClassUid(), request.sopInstanceUid(),
                    request.transferSyntaxUid(), request.callingAeTitle(), written - metaLength));
            }
            return Status.SUCCESS;
        }

        /** Reads the UIDs the layout and the identity check need from the written file. */
        private void inspect() throws IOException
        {
            final String[] uids = DataSetHead.read(temp, metaLength, request.transferSyntaxUid());
            if (checkIdentity && (!request.sopClassUid().equals(uids[DataSetHead.SOP_CLASS]) ||
                !request.sopInstanceUid().equals(uids[DataSetHead.SOP_INSTANCE])))
            {
                throw new StoreRefusedException(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, "data set holds " +
                    uids[DataSetHead.SOP_CLASS] + " / " + uids[DataSetHead.SOP_INSTANCE] + ", the C-STORE-RQ said " +
                    request.sopClassUid() + " / " + request.sopInstanceUid());
            }
            if (layout == Layout.STUDY_SERIES_INSTANCE)
            {
                final String study = uids[DataSetHead.STUDY];
                final String series = uids[DataSetHead.SERIES];
                if (!PduStrings.isValidUid(study) || !PduStrings.isValidUid(series))
                {
                    throw new StoreRefusedException(Status.CANNOT_UNDERSTAND,
                        "no valid Study/Series Instance UID in the data set of " + request.sopInstanceUid());
                }
                target = pathOf(study, series, request.sopInstanceUid());
                Files.createDirectories(target.getParent());
            }
        }

        @Override
        public void abort()
        {
            done = true;
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                LOG.debug("closing {}: {}", temp, ex.toString());
            }
            try
            {
                Files.deleteIfExists(temp);
            }
            catch (final IOException ex)
            {
                LOG.warn("cannot remove partial file {}: {}", temp, ex.toString());
            }
        }
    }
}
