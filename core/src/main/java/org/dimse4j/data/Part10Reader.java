package org.dimse4j.data;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.AsciiSequenceView;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Re-pointable flyweight over the head of a DICOM Part 10 file (PS3.10 §7.1): the preamble, the "DICM" magic and
 * the File Meta Information group 0002, which is always Explicit VR Little Endian.
 * <pre>
 *  0                       128      132
 *  +-----------------------+--------+-------------------------------------------+-------------------------
 *  | preamble (128 bytes)  | "DICM" | (0002,0000) UL group length, (0002,0001), | data set, in the transfer
 *  |                       |        | ... (0002,0010) Transfer Syntax UID, ...  | syntax of (0002,0010)
 *  +-----------------------+--------+-------------------------------------------+-------------------------
 *                                                                               ^ dataSetOffset()
 * </pre>
 * A file without preamble and magic that starts directly with a (0002,xxxx) element in Explicit VR Little Endian is
 * accepted too ({@link #hasPreamble()} is then false), as DCMTK reads such files. A file that starts with any other
 * group (a bare data set) is refused: its transfer syntax would have to be guessed.
 * <p>
 * {@link #wrap(DirectBuffer, int, int, long)} checks everything before reading it: the magic, each element header
 * and value length against the group and the bytes present, tags in ascending order, no undefined length, and
 * File Meta Information Group Length (0002,0000), when present (it should be, and first), against the elements:
 * the group must end exactly there, and no (0002,xxxx) element may follow. Without it, the group ends at the first
 * element of another group. Transfer Syntax UID (0002,0010) is required, the other elements are optional. Bad
 * input throws {@link DataSetException} with the tag and the offset from the start of the file.
 * <p>
 * The buffer needs to hold only the head of the file: enough for the preamble and the meta group. The zero-copy
 * accessors wrap an {@link AsciiSequenceView} over a value with its padding removed; the {@code String} accessors
 * allocate. {@link #read(Path)} reads only the head of a file, never more than {@link #MAX_HEAD_LENGTH} bytes.
 */
public final class Part10Reader
{
    /** Length of the preamble. */
    public static final int PREAMBLE_LENGTH = 128;
    /** Offset of the first meta element in a file with preamble: after the preamble and "DICM". */
    public static final int META_OFFSET = PREAMBLE_LENGTH + 4;
    /** The most bytes {@link #read(Path)} reads from a file: a longer meta group is refused. */
    public static final int MAX_HEAD_LENGTH = 64 * 1024;

    /** File Meta Information Group Length (0002,0000), UL. */
    public static final int FILE_META_INFORMATION_GROUP_LENGTH = 0x00020000;
    /** File Meta Information Version (0002,0001), OB. */
    public static final int FILE_META_INFORMATION_VERSION = 0x00020001;
    /** Media Storage SOP Class UID (0002,0002), UI. */
    public static final int MEDIA_STORAGE_SOP_CLASS_UID = 0x00020002;
    /** Media Storage SOP Instance UID (0002,0003), UI. */
    public static final int MEDIA_STORAGE_SOP_INSTANCE_UID = 0x00020003;
    /** Transfer Syntax UID (0002,0010), UI. */
    public static final int TRANSFER_SYNTAX_UID = 0x00020010;
    /** Implementation Class UID (0002,0012), UI. */
    public static final int IMPLEMENTATION_CLASS_UID = 0x00020012;
    /** Implementation Version Name (0002,0013), SH. */
    public static final int IMPLEMENTATION_VERSION_NAME = 0x00020013;
    /** Source Application Entity Title (0002,0016), AE. */
    public static final int SOURCE_APPLICATION_ENTITY_TITLE = 0x00020016;

    /** "DICM" read as a little-endian int. */
    private static final int MAGIC = 'D' | 'I' << 8 | 'C' << 16 | 'M' << 24;
    private static final int INITIAL_HEAD_LENGTH = 4096;
    private static final int[] FIELDS =
    {
        MEDIA_STORAGE_SOP_CLASS_UID, MEDIA_STORAGE_SOP_INSTANCE_UID, TRANSFER_SYNTAX_UID,
        IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, SOURCE_APPLICATION_ENTITY_TITLE,
    };
    private static final int ABSENT = -1;

    private final int[] valueOffsets = new int[FIELDS.length];
    private final int[] valueLengths = new int[FIELDS.length];
    private final AsciiSequenceView transferSyntax = new AsciiSequenceView();
    private DirectBuffer buffer;
    private int offset;
    private int length;
    private long fileLength;
    private boolean hasPreamble;
    private int dataSetOffset;

    /**
     * Reads the head of a file, the preamble and the meta group, with a {@link FileChannel} into a small direct
     * buffer that grows as the meta group requires, up to {@link #MAX_HEAD_LENGTH}. The data set is not read.
     *
     * @param file a DICOM Part 10 file.
     * @return its File Meta Information and data set position.
     * @throws IOException      if the file cannot be read.
     * @throws DataSetException if it is not a well-formed Part 10 file; the message names the file.
     */
    public static Part10Info read(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            final Part10Reader reader = new Part10Reader();
            ByteBuffer head = ByteBuffer.allocateDirect((int)Math.min(size, INITIAL_HEAD_LENGTH));
            while (true)
            {
                while (head.hasRemaining())
                {
                    if (channel.read(head, head.position()) < 0)
                    {
                        throw new EOFException(file + " shrank while being read");
                    }
                }
                final int needed;
                try
                {
                    needed = reader.parse(new UnsafeBuffer(head, 0, head.capacity()), 0, head.capacity(), size);
                }
                catch (final DataSetException ex)
                {
                    throw withFile(file, ex);
                }
                if (needed == 0)
                {
                    return reader.info();
                }
                if (needed > MAX_HEAD_LENGTH)
                {
                    throw new DataSetException(file + ": File Meta Information runs past " + MAX_HEAD_LENGTH +
                        " bytes; refused");
                }
                final int capacity = (int)Math.min(size, Math.min(MAX_HEAD_LENGTH,
                    Math.max(needed, 2L * head.capacity())));
                final ByteBuffer grown = ByteBuffer.allocateDirect(capacity);
                head.flip();
                grown.put(head);
                head = grown;
            }
        }
    }

    private static DataSetException withFile(final Path file, final DataSetException ex)
    {
        return new DataSetException(file + ": " + ex.getMessage());
    }

    /**
     * Points this reader at a buffer holding a whole Part 10 file, or at least its preamble and meta group.
     *
     * @param buffer the bytes.
     * @param offset where the file starts in the buffer.
     * @param length how many bytes of the file the buffer holds.
     * @return this.
     * @throws DataSetException if the head is malformed or the meta group runs past {@code length}.
     */
    public Part10Reader wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        return wrap(buffer, offset, length, length);
    }

    /**
     * Points this reader at a buffer holding the head of a Part 10 file of {@code fileLength} bytes.
     *
     * @param buffer     the bytes.
     * @param offset     where the file starts in the buffer.
     * @param length     how many bytes of the file the buffer holds: at least the preamble and meta group.
     * @param fileLength the length of the whole file, at least {@code length}.
     * @return this.
     * @throws DataSetException         if the head is malformed or the meta group runs past {@code length}.
     * @throws IllegalArgumentException if {@code fileLength} is less than {@code length}.
     */
    public Part10Reader wrap(final DirectBuffer buffer, final int offset, final int length, final long fileLength)
    {
        final int needed = parse(buffer, offset, length, fileLength);
        if (needed != 0)
        {
            clear();
            throw new DataSetException("File Meta Information runs past the " + length + " bytes given: at least " +
                needed + " needed");
        }
        return this;
    }

    /**
     * @return 0 when parsed, or how many bytes of the file the buffer must hold to go on (never more than
     *         {@code fileLength}).
     */
    private int parse(final DirectBuffer buffer, final int offset, final int length, final long fileLength)
    {
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length)
        {
            throw new DataSetException("File at offset " + offset + " with length " + length +
                " does not lie within a buffer of " + buffer.capacity() + " bytes");
        }
        if (fileLength < length)
        {
            throw new IllegalArgumentException("fileLength " + fileLength + " < length " + length);
        }
        if (buffer != this.buffer)
        {
            this.buffer = buffer;
        }
        clear();
        try
        {
            this.offset = offset;
            this.length = length;
            this.fileLength = fileLength;
            return parseMeta();
        }
        catch (final DataSetException ex)
        {
            clear();
            throw ex;
        }
    }

    private int parseMeta()
    {
        final int start;
        if (length >= META_OFFSET && buffer.getInt(offset + PREAMBLE_LENGTH, LITTLE_ENDIAN) == MAGIC)
        {
            start = META_OFFSET;
            hasPreamble = true;
        }
        else if (length < META_OFFSET && fileLength >= META_OFFSET)
        {
            return META_OFFSET;
        }
        else if (length >= 6 && (buffer.getShort(offset, LITTLE_ENDIAN) & 0xFFFF) == 0x0002 &&
            isUpper(buffer.getByte(offset + 4)) && isUpper(buffer.getByte(offset + 5)))
        {
            start = 0;
            hasPreamble = false;
        }
        else if (fileLength < META_OFFSET)
        {
            throw new DataSetException("Not a DICOM Part 10 file: " + fileLength + " bytes, too short for the " +
                "128-byte preamble and \"DICM\", and it does not start with a (0002,xxxx) element");
        }
        else
        {
            throw new DataSetException("Not a DICOM Part 10 file: no \"DICM\" at offset 128, and it does not " +
                "start with a (0002,xxxx) element");
        }

        int position = start;
        int groupEnd = ABSENT;
        int previousTag = 0;
        if (length - position < 12 && fileLength - position >= 12)
        {
            return position + 12;
        }
        if (length - position >= 4 && readTag(position) == FILE_META_INFORMATION_GROUP_LENGTH)
        {
            if (length - position < 12)
            {
                throw new DataSetException(FILE_META_INFORMATION_GROUP_LENGTH, position, "meta element " +
                    "truncated: 12 bytes needed, " + (fileLength - position) + " left in the file");
            }
            final int vr = vrAt(position);
            final int valueLength = buffer.getShort(offset + position + 6, LITTLE_ENDIAN) & 0xFFFF;
            if (vr != ValueRepresentation.UL || valueLength != 4)
            {
                throw new DataSetException(FILE_META_INFORMATION_GROUP_LENGTH, position,
                    "File Meta Information Group Length must be UL of length 4, not " + vrName(vr) +
                    " of length " + valueLength);
            }
            final long groupLength = buffer.getInt(offset + position + 8, LITTLE_ENDIAN) & 0xFFFF_FFFFL;
            position += 12;
            if (groupLength > fileLength - position)
            {
                throw new DataSetException(FILE_META_INFORMATION_GROUP_LENGTH, position - 12,
                    "File Meta Information Group Length " + groupLength + " runs past the end of the " +
                    fileLength + "-byte file");
            }
            if (groupLength > length - position)
            {
                return (int)Math.min(Integer.MAX_VALUE, position + groupLength);
            }
            groupEnd = position + (int)groupLength;
            previousTag = FILE_META_INFORMATION_GROUP_LENGTH;
        }

        while (true)
        {
            if (groupEnd != ABSENT)
            {
                if (position == groupEnd)
                {
                    if (length - position < 2 && fileLength - position >= 2)
                    {
                        return position + 2;
                    }
                    if (length - position >= 2 && (buffer.getShort(offset + position, LITTLE_ENDIAN) & 0xFFFF) == 2)
                    {
                        throw new DataSetException(readTagOrUnknown(position), position,
                            "File Meta Information Group Length says the group ends here, but group 0002 goes on");
                    }
                    break;
                }
            }
            else
            {
                if (position == fileLength)
                {
                    break;
                }
                if (length - position < 2)
                {
                    return position + 2;
                }
                if ((buffer.getShort(offset + position, LITTLE_ENDIAN) & 0xFFFF) != 2)
                {
                    break;
                }
            }
            final long limit = groupEnd != ABSENT ? groupEnd : fileLength;
            if (limit - position < 8)
            {
                throw new DataSetException(readTagOrUnknown(position), position, "meta element header truncated: " +
                    "8 bytes needed, " + (limit - position) + " left" +
                    (groupEnd != ABSENT ? " in the group length" : ""));
            }
            if (length - position < 8)
            {
                return position + 8;
            }
            final int tag = readTag(position);
            if (tag >>> 16 != 2)
            {
                throw new DataSetException(tag, position, "element of another group inside the File Meta " +
                    "Information Group Length");
            }
            if (Integer.compareUnsigned(tag, previousTag) <= 0)
            {
                throw new DataSetException(tag, position, "meta elements out of order: follows " +
                    DataSetException.tagString(previousTag));
            }
            final int vr = vrAt(position);
            if (!ValueRepresentation.isKnown(vr))
            {
                throw new DataSetException(tag, position, "unknown VR bytes 0x" + Integer.toHexString(vr) +
                    ": the meta group is always Explicit VR Little Endian");
            }
            final int headerLength;
            final long valueLength;
            if (ValueRepresentation.hasLongHeader(vr))
            {
                if (limit - position < 12)
                {
                    throw new DataSetException(tag, position, "meta element header truncated: 12 bytes needed, " +
                        (limit - position) + " left");
                }
                if (length - position < 12)
                {
                    return position + 12;
                }
                headerLength = 12;
                valueLength = buffer.getInt(offset + position + 8, LITTLE_ENDIAN) & 0xFFFF_FFFFL;
                if (valueLength == 0xFFFF_FFFFL)
                {
                    throw new DataSetException(tag, position, "undefined length is not allowed in the meta group");
                }
            }
            else
            {
                headerLength = 8;
                valueLength = buffer.getShort(offset + position + 6, LITTLE_ENDIAN) & 0xFFFF;
            }
            final int valueOffset = position + headerLength;
            if (valueLength > limit - valueOffset)
            {
                throw new DataSetException(tag, position, "value length " + valueLength + " exceeds the " +
                    (limit - valueOffset) + " bytes left" + (groupEnd != ABSENT ? " in the group length" : ""));
            }
            if (valueLength > length - valueOffset)
            {
                return (int)Math.min(Integer.MAX_VALUE, valueOffset + valueLength);
            }
            final int index = indexOf(tag);
            if (index != ABSENT)
            {
                record(index, valueOffset, (int)valueLength);
            }
            previousTag = tag;
            position = valueOffset + (int)valueLength;
        }
        if (valueOffsets[indexOf(TRANSFER_SYNTAX_UID)] == ABSENT)
        {
            throw new DataSetException(TRANSFER_SYNTAX_UID, position, "File Meta Information has no Transfer " +
                "Syntax UID (0002,0010): the data set cannot be read");
        }
        if (valueLengths[indexOf(TRANSFER_SYNTAX_UID)] == 0)
        {
            throw new DataSetException(TRANSFER_SYNTAX_UID, position, "Transfer Syntax UID (0002,0010) is empty");
        }
        dataSetOffset = position;
        return 0;
    }

    private void record(final int index, final int valueOffset, final int valueLength)
    {
        int from = offset + valueOffset;
        int to = from + valueLength;
        while (from < to && buffer.getByte(from) == ' ')
        {
            from++;
        }
        while (to > from && (buffer.getByte(to - 1) == ' ' || buffer.getByte(to - 1) == 0))
        {
            to--;
        }
        valueOffsets[index] = from;
        valueLengths[index] = to - from;
    }

    private static int indexOf(final int tag)
    {
        for (int i = 0; i < FIELDS.length; i++)
        {
            if (FIELDS[i] == tag)
            {
                return i;
            }
        }
        return ABSENT;
    }

    private static boolean isUpper(final byte b)
    {
        return b >= 'A' && b <= 'Z';
    }

    private static String vrName(final int vr)
    {
        final String name = ValueRepresentation.name(vr);
        return null != name ? name : "0x" + Integer.toHexString(vr);
    }

    private int vrAt(final int position)
    {
        return (buffer.getByte(offset + position + 4) & 0xFF) << 8 | (buffer.getByte(offset + position + 5) & 0xFF);
    }

    private int readTag(final int position)
    {
        return (buffer.getShort(offset + position, LITTLE_ENDIAN) & 0xFFFF) << 16 |
            (buffer.getShort(offset + position + 2, LITTLE_ENDIAN) & 0xFFFF);
    }

    private int readTagOrUnknown(final int position)
    {
        return length - position >= 4 ? readTag(position) : DataSetException.UNKNOWN;
    }

    private void clear()
    {
        for (int i = 0; i < FIELDS.length; i++)
        {
            valueOffsets[i] = ABSENT;
            valueLengths[i] = 0;
        }
        hasPreamble = false;
        dataSetOffset = 0;
        length = 0;
        fileLength = 0;
    }

    /**
     * @return false for a file that starts directly with the (0002,xxxx) group.
     */
    public boolean hasPreamble()
    {
        return hasPreamble;
    }

    /**
     * @return where the data set starts, from the start of the file.
     */
    public int dataSetOffset()
    {
        return dataSetOffset;
    }

    /**
     * @return the length of the data set: the file length minus {@link #dataSetOffset()}.
     */
    public long dataSetLength()
    {
        return fileLength - dataSetOffset;
    }

    /**
     * @return the length of the whole file, as given to {@code wrap}.
     */
    public long fileLength()
    {
        return fileLength;
    }

    /**
     * @return the buffer last wrapped.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the data set encoding for {@link DataSetReader#wrap}; allocation-free.
     */
    public int encoding()
    {
        return DataSetReader.encodingOf(transferSyntaxUid(transferSyntax));
    }

    /**
     * Where a meta element's value lies in the buffer, its padding removed.
     *
     * @param tag one of the (0002,0002), (0002,0003), (0002,0010), (0002,0012), (0002,0013), (0002,0016)
     *            constants.
     * @return the buffer index of the value, or -1 when the element is absent.
     * @throws IllegalArgumentException for another tag.
     */
    public int valueOffset(final int tag)
    {
        return valueOffsets[field(tag)];
    }

    /**
     * @param tag as for {@link #valueOffset(int)}.
     * @return the length of the value without padding; 0 when absent.
     * @throws IllegalArgumentException for another tag.
     */
    public int valueLength(final int tag)
    {
        return valueLengths[field(tag)];
    }

    /**
     * Zero-copy view of a meta element's value without its padding.
     *
     * @param tag  as for {@link #valueOffset(int)}.
     * @param view the view to wrap over the value (empty when absent).
     * @return {@code view}.
     */
    public AsciiSequenceView value(final int tag, final AsciiSequenceView view)
    {
        final int index = field(tag);
        if (valueOffsets[index] == ABSENT)
        {
            return view.wrap(buffer, 0, 0);
        }
        return view.wrap(buffer, valueOffsets[index], valueLengths[index]);
    }

    /**
     * @param view the view to wrap.
     * @return {@code view} over Transfer Syntax UID (0002,0010).
     */
    public AsciiSequenceView transferSyntaxUid(final AsciiSequenceView view)
    {
        return value(TRANSFER_SYNTAX_UID, view);
    }

    /**
     * @param view the view to wrap.
     * @return {@code view} over Media Storage SOP Class UID (0002,0002).
     */
    public AsciiSequenceView mediaStorageSopClassUid(final AsciiSequenceView view)
    {
        return value(MEDIA_STORAGE_SOP_CLASS_UID, view);
    }

    /**
     * @param view the view to wrap.
     * @return {@code view} over Media Storage SOP Instance UID (0002,0003).
     */
    public AsciiSequenceView mediaStorageSopInstanceUid(final AsciiSequenceView view)
    {
        return value(MEDIA_STORAGE_SOP_INSTANCE_UID, view);
    }

    /**
     * @param tag as for {@link #valueOffset(int)}.
     * @return the value as a String without padding, or null when absent. Allocates.
     */
    public String string(final int tag)
    {
        final int index = field(tag);
        if (valueOffsets[index] == ABSENT)
        {
            return null;
        }
        final byte[] bytes = new byte[valueLengths[index]];
        buffer.getBytes(valueOffsets[index], bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /**
     * @return Media Storage SOP Class UID (0002,0002), or null. Allocates.
     */
    public String mediaStorageSopClassUid()
    {
        return string(MEDIA_STORAGE_SOP_CLASS_UID);
    }

    /**
     * @return Media Storage SOP Instance UID (0002,0003), or null. Allocates.
     */
    public String mediaStorageSopInstanceUid()
    {
        return string(MEDIA_STORAGE_SOP_INSTANCE_UID);
    }

    /**
     * @return Transfer Syntax UID (0002,0010). Allocates.
     */
    public String transferSyntaxUid()
    {
        return string(TRANSFER_SYNTAX_UID);
    }

    /**
     * @return Implementation Class UID (0002,0012), or null. Allocates.
     */
    public String implementationClassUid()
    {
        return string(IMPLEMENTATION_CLASS_UID);
    }

    /**
     * @return Implementation Version Name (0002,0013), or null. Allocates.
     */
    public String implementationVersionName()
    {
        return string(IMPLEMENTATION_VERSION_NAME);
    }

    /**
     * @return Source Application Entity Title (0002,0016), or null. Allocates.
     */
    public String sourceApplicationEntityTitle()
    {
        return string(SOURCE_APPLICATION_ENTITY_TITLE);
    }

    /**
     * @return everything read, as an immutable record. Allocates.
     */
    public Part10Info info()
    {
        return new Part10Info(mediaStorageSopClassUid(), mediaStorageSopInstanceUid(), transferSyntaxUid(),
            implementationClassUid(), implementationVersionName(), sourceApplicationEntityTitle(), hasPreamble,
            dataSetOffset, fileLength);
    }

    private static int field(final int tag)
    {
        final int index = indexOf(tag);
        if (index == ABSENT)
        {
            throw new IllegalArgumentException("Not a meta element this reader keeps: " +
                DataSetException.tagString(tag));
        }
        return index;
    }
}
