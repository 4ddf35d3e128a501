package org.dimse4j.cli;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.SyntheticInstance;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DataSetSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code bench store HOST PORT [FILE|DIR...]}: C-STORE load, from memory. Without files, one synthetic instance of
 * {@code --size} and {@code --sop-class} (Explicit VR Little Endian) is sent over and over, each time with a new SOP
 * Instance UID (patched in place: the peer stores a new instance every time). With files, their data sets are
 * loaded into memory first and sent round-robin as they are (same UIDs every round; never transcoded).
 */
@Command(name = "store", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"C-STORE load from memory: synthetic instances (a new SOP Instance UID each) or the given " +
        "Part 10 files (sent as they are, round-robin, same UIDs each round).",
        "MB/s counts data set bytes of instances stored with Success or a warning."})
final class BenchStore extends BenchScu
{
    /** The most bytes of files held in memory. */
    static final long MAX_LOADED = 1L << 30;

    private static final int COUNTER_DIGITS = 12;
    private static final long COUNTER_BASE = 100_000_000_000L;
    private static final int LANE_BASE = 100;

    @picocli.CommandLine.Parameters(index = "2..*", arity = "0..*", paramLabel = "PATH",
        description = "Part 10 files or directories (recursive) to send instead of synthetic instances.")
    List<Path> paths = new ArrayList<>();

    @Option(names = {"--size"}, paramLabel = "SIZE",
        description = "Pixel data of the synthetic instance, e.g. 4K, 512K, 50M (default: ${DEFAULT-VALUE}).")
    String size = "4K";

    @Option(names = {"--sop-class"}, paramLabel = "UID",
        description = "SOP Class UID of the synthetic instance (default: ${DEFAULT-VALUE}, Secondary Capture).")
    String sopClass = "1.2.840.10008.5.1.4.1.1.7";

    /** Synthetic: the data set, its UID's place, and the UID root. */
    private UnsafeBuffer synthetic;
    private int uidOffset;
    private int uidLength;
    private String uidRoot;
    /** Files: their heads and data sets. */
    private List<StoreScu.Instance> instances;
    private List<UnsafeBuffer> dataSets;

    @Override
    String operationName()
    {
        return "C-STORE";
    }

    @Override
    void prepare() throws IOException
    {
        if (!paths.isEmpty())
        {
            loadFiles();
            return;
        }
        final long pixels = MkInstances.parseSize(size) & ~1L;
        if (pixels > (1L << 30))
        {
            throw new IllegalArgumentException("--size at most 1G");
        }
        uidRoot = "2.25." + (ThreadLocalRandom.current().nextLong(1L << 62) + 1);
        final String template = uid(uidRoot, 0, 0);
        final Path file = Files.createTempFile("dimse4j-bench-", ".dcm");
        try
        {
            SyntheticInstance.write(file, sopClass, template, uidRoot + ".1", uidRoot + ".2", pixels);
            final Part10Info info = Part10Reader.read(file);
            synthetic = load(file, info);
        }
        finally
        {
            Files.deleteIfExists(file);
        }
        final byte[] pattern = template.getBytes(StandardCharsets.US_ASCII);
        uidOffset = indexOf(synthetic, pattern);
        uidLength = pattern.length;
        if (uidOffset < 0)
        {
            throw new IllegalStateException("SOP Instance UID not found in the synthetic data set");
        }
    }

    /** @return a UID of fixed length: ROOT.LANE.COUNTER, lane and counter components without leading zeros. */
    static String uid(final String root, final int lane, final long counter)
    {
        return root + "." + (LANE_BASE + lane) + "." + (COUNTER_BASE + counter);
    }

    private void loadFiles() throws IOException
    {
        final StoreScu.Report report = new StoreScu.Report(System.out, System.err, false);
        instances = StoreScu.scan(paths, report);
        if (instances.isEmpty())
        {
            throw new BenchException("no DICOM files to send");
        }
        long total = 0;
        for (final StoreScu.Instance instance : instances)
        {
            total += instance.length();
        }
        if (total > MAX_LOADED)
        {
            throw new BenchException("the files hold " + total / 1_000_000 + " MB of data sets: at most " +
                MAX_LOADED / 1_000_000 + " MB are loaded into memory");
        }
        if (StoreScu.batches(instances).size() > 1)
        {
            throw new BenchException("the files need more than " + StoreScu.MAX_CONTEXTS +
                " presentation contexts (SOP class, transfer syntax): bench sends over one association's contexts");
        }
        dataSets = new ArrayList<>();
        for (final StoreScu.Instance instance : instances)
        {
            dataSets.add(load(instance.path(), Part10Reader.read(instance.path())));
        }
    }

    private static UnsafeBuffer load(final Path file, final Part10Info info) throws IOException
    {
        final long length = info.dataSetLength();
        if (length > Integer.MAX_VALUE - 8)
        {
            throw new BenchException(file + ": data set of " + length + " bytes is too large to hold in memory");
        }
        final ByteBuffer bytes = ByteBuffer.allocateDirect((int)length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            long position = info.dataSetOffset();
            while (bytes.hasRemaining())
            {
                final int n = channel.read(bytes, position);
                if (n < 0)
                {
                    throw new EOFException(file + " shrank while being read");
                }
                position += n;
            }
        }
        return new UnsafeBuffer(bytes);
    }

    private static int indexOf(final DirectBuffer buffer, final byte[] pattern)
    {
        outer:
        for (int i = 0; i + pattern.length <= buffer.capacity(); i++)
        {
            for (int j = 0; j < pattern.length; j++)
            {
                if (buffer.getByte(i + j) != pattern[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    void cleanup()
    {
        if (synthetic != null)
        {
            BufferUtil.free(synthetic);
        }
        if (dataSets != null)
        {
            dataSets.forEach(BufferUtil::free);
        }
    }

    @Override
    List<ContextRequest> contexts()
    {
        if (instances != null)
        {
            return StoreScu.contexts(instances);
        }
        return List.of(ContextRequest.of(sopClass, List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)));
    }

    @Override
    Operation operation(final ClientAssociation association, final int lane) throws IOException
    {
        if (instances != null)
        {
            final int[] contextIds = new int[instances.size()];
            for (int i = 0; i < contextIds.length; i++)
            {
                contextIds[i] = acceptedContext(association, instances.get(i).sopClass(),
                    instances.get(i).transferSyntax());
            }
            return new FileOperation(contextIds, lane);
        }
        return new SyntheticOperation(acceptedContext(association, sopClass, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN),
            lane);
    }

    /** Files, round-robin from a different start on each association. */
    private final class FileOperation implements Operation
    {
        private final int[] contextIds;
        private int next;
        private int last;

        FileOperation(final int[] contextIds, final int lane)
        {
            this.contextIds = contextIds;
            this.next = lane % contextIds.length;
        }

        @Override
        public int send(final ClientAssociation association) throws IOException
        {
            final int i = next;
            next = next + 1 == contextIds.length ? 0 : next + 1;
            last = i;
            final StoreScu.Instance instance = instances.get(i);
            final UnsafeBuffer dataSet = dataSets.get(i);
            final int messageId = association.nextMessageId();
            association.beginMsg(contextIds[i])
                .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, instance.sopClass())
                .putUS(CommandElement.COMMAND_FIELD, CommandField.C_STORE_RQ)
                .putUS(CommandElement.MESSAGE_ID, messageId)
                .putUS(CommandElement.PRIORITY, CommandElement.PRIORITY_MEDIUM)
                .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT)
                .putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, instance.sopInstance());
            association.sendMsg(dataSet, 0, dataSet.capacity());
            return messageId;
        }

        @Override
        public long bytes()
        {
            return dataSets.get(last).capacity();
        }
    }

    /**
     * The synthetic instance with a new SOP Instance UID each time: this association's copy of the data set's head
     * (up to the end of the UID, patched in place), then the shared rest, pulled straight into the send buffer.
     */
    private final class SyntheticOperation implements Operation, DataSetSource
    {
        private final int contextId;
        private final UnsafeBuffer head;
        private final int counterOffset;
        private long counter;
        private long position;

        SyntheticOperation(final int contextId, final int lane)
        {
            this.contextId = contextId;
            final int headLength = uidOffset + uidLength;
            this.head = new UnsafeBuffer(new byte[headLength]);
            head.putBytes(0, synthetic, 0, headLength);
            final byte[] laneUid = uid(uidRoot, lane, 0).getBytes(StandardCharsets.US_ASCII);
            head.putBytes(uidOffset, laneUid);
            this.counterOffset = uidOffset + uidLength - COUNTER_DIGITS;
        }

        @Override
        public int send(final ClientAssociation association) throws IOException
        {
            long value = COUNTER_BASE + ++counter;
            for (int i = COUNTER_DIGITS - 1; i >= 0; i--)
            {
                head.putByte(counterOffset + i, (byte)('0' + value % 10));
                value /= 10;
            }
            final int messageId = association.nextMessageId();
            association.beginMsg(contextId)
                .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, sopClass)
                .putUS(CommandElement.COMMAND_FIELD, CommandField.C_STORE_RQ)
                .putUS(CommandElement.MESSAGE_ID, messageId)
                .putUS(CommandElement.PRIORITY, CommandElement.PRIORITY_MEDIUM)
                .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT)
                .putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, head, uidOffset, uidLength);
            position = 0;
            association.sendMsg(this);
            return messageId;
        }

        @Override
        public long bytes()
        {
            return synthetic.capacity();
        }

        @Override
        public long remaining()
        {
            return synthetic.capacity() - position;
        }

        @Override
        public void read(final MutableDirectBuffer dst, final int offset, final int length)
        {
            int done = 0;
            if (position < head.capacity())
            {
                done = (int)Math.min(length, head.capacity() - position);
                dst.putBytes(offset, head, (int)position, done);
            }
            if (done < length)
            {
                dst.putBytes(offset + done, synthetic, (int)position + done, length - done);
            }
            position += length;
        }
    }
}
