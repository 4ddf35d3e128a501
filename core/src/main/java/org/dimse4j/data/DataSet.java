package org.dimse4j.data;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A mutable data set kept in tag order: the control-plane container for C-FIND identifiers, query results and the
 * attribute lists of the N-services. It may allocate, but stays lean: a sorted {@code int[]} of tags, a parallel
 * {@code int[]} of VRs ({@link ValueRepresentation} codes) and a parallel array of values, each either a
 * {@code byte[]} (the value field as on the wire, padded to even length) or, for a sequence (SQ), a
 * {@code List<DataSet>} of items.
 * <p>
 * <b>Values.</b> Binary values (US, SS, UL, SL, FL, FD, AT, OW, OF, OD, OL, OV, SV, UV) are held in little-endian
 * order whatever encoding they were read from; {@link #write} swaps them for Explicit VR Big Endian. Text values are
 * encoded with the character set named by Specific Character Set (0008,0005) of this data set or of the nearest
 * parent that has one (see {@link #charset()}); set it before putting text. Padding follows PS3.5 §6.2: UI is padded
 * with a trailing NUL, other text with a trailing space, binary values with a zero byte. {@link #string(int)} removes
 * the padding and the spaces PS3.5 Table 6.2-1 calls insignificant: leading and trailing for AE, CS, DS, IS, LO and
 * SH; trailing only for the others (leading spaces are significant in LT, ST, UT, PN, UC and UR).
 * <p>
 * <b>Encoding.</b> {@link #read} parses Implicit VR Little Endian, Explicit VR Little Endian and Explicit VR Big Endian
 * with {@link DataSetReader}, sequences and items of defined or undefined length. {@link #write} always writes
 * sequences and items with <em>undefined length</em>, closed by delimiters, which needs no second pass over nested
 * items and is read by every DICOM implementation (DCMTK included):
 * <pre>
 *  (gggg,eeee) SQ  length FFFFFFFF
 *    (FFFE,E000)   length FFFFFFFF    item
 *      ...elements of the item...
 *    (FFFE,E00D)   length 0           item delimiter
 *  (FFFE,E0DD)     length 0           sequence delimiter
 * </pre>
 * In Implicit VR the VR of a read element comes from {@link ElementDictionary#vr(int)} (an unknown tag of undefined
 * length is a sequence, PS3.5 §6.2.2); encapsulated pixel data is not supported. Not thread-safe.
 */
public final class DataSet
{
    /** {@link #vr(int)} of an absent attribute. */
    public static final int ABSENT = -1;

    private static final byte[] EMPTY = new byte[0];
    private static final int INITIAL_CAPACITY = 8;
    private static final int ITEM_HEADER_LENGTH = 8;
    private static final int SHORT_HEADER_LENGTH = 8;
    private static final int LONG_HEADER_LENGTH = 12;
    private static final int MAX_SHORT_LENGTH = 0xFFFF;
    private static final int MAX_HEX_BYTES = 32;

    private int[] tags = new int[INITIAL_CAPACITY];
    private int[] vrs = new int[INITIAL_CAPACITY];
    private Object[] values = new Object[INITIAL_CAPACITY];
    private int size;
    private DataSet parent;

    /**
     * An empty data set with no parent.
     */
    public DataSet()
    {
    }

    private DataSet(final DataSet parent)
    {
        this.parent = parent;
    }

    // ------------------------------------------------------------------------------------------------ put

    /**
     * Puts an attribute, replacing any with the same tag. The array is kept, not copied, unless its length is odd:
     * then a copy padded per VR (NUL for UI, space for other text, zero for binary) is kept.
     *
     * @param tag   the tag, group in the upper 16 bits; not an item or delimiter tag (group FFFE).
     * @param vr    a known VR other than SQ (use {@link #putSequence(int)}).
     * @param value the value field; binary values in little-endian order; null for an empty value.
     * @return this.
     * @throws IllegalArgumentException if the tag or VR is not allowed.
     */
    public DataSet put(final int tag, final int vr, final byte[] value)
    {
        checkTag(tag);
        if (vr == ValueRepresentation.SQ || !ValueRepresentation.isKnown(vr))
        {
            throw new IllegalArgumentException("VR " + vrName(vr) + " not allowed for " +
                DataSetException.tagString(tag) + ": use putSequence for SQ");
        }
        final byte[] v = null == value ? EMPTY : value;
        set(tag, vr, (v.length & 1) == 0 ? v : padded(v, padByte(vr)));
        return this;
    }

    /**
     * Puts a text attribute with the VR from {@link ElementDictionary#vr(int)}.
     *
     * @param tag   the tag.
     * @param value the text (may contain backslashes separating values); null or empty for an empty value.
     * @return this.
     * @throws IllegalArgumentException if the dictionary VR of {@code tag} is not a text VR.
     */
    public DataSet putString(final int tag, final String value)
    {
        return putString(tag, ElementDictionary.vr(tag), value);
    }

    /**
     * Puts a text attribute, encoded with {@link #charset()} and padded to even length per VR.
     *
     * @param tag   the tag.
     * @param vr    a text VR: AE, AS, CS, DA, DS, DT, IS, LO, LT, PN, SH, ST, TM, UC, UI, UR or UT.
     * @param value the text; null or empty for an empty value.
     * @return this.
     * @throws IllegalArgumentException if {@code vr} is not a text VR.
     */
    public DataSet putString(final int tag, final int vr, final String value)
    {
        if (!isText(vr))
        {
            throw new IllegalArgumentException(DataSetException.tagString(tag) + " has VR " + vrName(vr) +
                ", not a text VR");
        }
        final Charset charset = tag == Tag.SPECIFIC_CHARACTER_SET ? StandardCharsets.ISO_8859_1 : charset();
        return put(tag, vr, null == value ? EMPTY : value.getBytes(charset));
    }

    /**
     * Puts a multi-valued text attribute: the values joined with backslashes, VR from the dictionary.
     *
     * @param tag    the tag.
     * @param values the values; none for an empty value.
     * @return this.
     */
    public DataSet putStrings(final int tag, final String... values)
    {
        return putString(tag, String.join("\\", values));
    }

    /**
     * Puts an integer with the VR from the dictionary: US, SS, UL, SL (binary) or IS (decimal text).
     *
     * @param tag   the tag.
     * @param value the value.
     * @return this.
     * @throws IllegalArgumentException if the VR is none of these, or the value does not fit it.
     */
    public DataSet putInt(final int tag, final int value)
    {
        final int vr = ElementDictionary.vr(tag);
        if (vr == ValueRepresentation.US)
        {
            return putUS(tag, value);
        }
        if (vr == ValueRepresentation.UL)
        {
            return putUL(tag, value & 0xFFFF_FFFFL);
        }
        if (vr == ValueRepresentation.SS)
        {
            if (value < Short.MIN_VALUE || value > Short.MAX_VALUE)
            {
                throw new IllegalArgumentException(value + " does not fit SS");
            }
            return put(tag, vr, new byte[] {(byte)value, (byte)(value >> 8)});
        }
        if (vr == ValueRepresentation.SL)
        {
            return put(tag, vr, littleEndian(value));
        }
        if (vr == ValueRepresentation.IS)
        {
            return putString(tag, vr, Integer.toString(value));
        }
        throw new IllegalArgumentException(DataSetException.tagString(tag) + " has VR " + vrName(vr) +
            ", not an integer VR");
    }

    /**
     * Puts an unsigned 16-bit value with VR US.
     *
     * @param tag   the tag.
     * @param value 0 to 65535.
     * @return this.
     */
    public DataSet putUS(final int tag, final int value)
    {
        if (value < 0 || value > 0xFFFF)
        {
            throw new IllegalArgumentException(value + " does not fit US");
        }
        return put(tag, ValueRepresentation.US, new byte[] {(byte)value, (byte)(value >> 8)});
    }

    /**
     * Puts an unsigned 32-bit value with VR UL.
     *
     * @param tag   the tag.
     * @param value 0 to 4294967295.
     * @return this.
     */
    public DataSet putUL(final int tag, final long value)
    {
        if (value < 0 || value > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException(value + " does not fit UL");
        }
        return put(tag, ValueRepresentation.UL, littleEndian((int)value));
    }

    /**
     * Puts an empty sequence, replacing any attribute with the same tag.
     *
     * @param tag the tag.
     * @return the live, mutable list of its items. Items added to it directly have no parent: they find their
     *         character set only through their own Specific Character Set. {@link #addItem(int)} sets the parent.
     */
    public List<DataSet> putSequence(final int tag)
    {
        checkTag(tag);
        final List<DataSet> items = new ArrayList<>();
        set(tag, ValueRepresentation.SQ, items);
        return items;
    }

    /**
     * Appends a new, empty item to a sequence, creating the sequence if it is absent.
     *
     * @param tag the sequence tag.
     * @return the new item, whose parent is this data set.
     * @throws IllegalStateException if the attribute exists and is not a sequence.
     */
    public DataSet addItem(final int tag)
    {
        List<DataSet> items = sequence(tag);
        if (null == items)
        {
            if (contains(tag))
            {
                throw new IllegalStateException(DataSetException.tagString(tag) + " is not a sequence");
            }
            items = putSequence(tag);
        }
        final DataSet item = new DataSet(this);
        items.add(item);
        return item;
    }

    /**
     * Appends a deep copy of an item to a sequence, creating the sequence if it is absent.
     *
     * @param tag  the sequence tag.
     * @param item the item to copy.
     * @return the copy, whose parent is this data set.
     * @throws IllegalStateException if the attribute exists and is not a sequence.
     */
    public DataSet addItemCopy(final int tag, final DataSet item)
    {
        final DataSet copy = addItem(tag);
        item.copyInto(copy);
        return copy;
    }

    /**
     * @param tag the tag.
     * @return true if the attribute was present.
     */
    public boolean remove(final int tag)
    {
        final int i = indexOf(tag);
        if (i < 0)
        {
            return false;
        }
        System.arraycopy(tags, i + 1, tags, i, size - i - 1);
        System.arraycopy(vrs, i + 1, vrs, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        values[size] = null;
        return true;
    }

    // ------------------------------------------------------------------------------------------------ get

    /**
     * @param tag the tag.
     * @return true if the attribute is present (possibly with an empty value).
     */
    public boolean contains(final int tag)
    {
        return indexOf(tag) >= 0;
    }

    /**
     * @param tag the tag.
     * @return the VR of the attribute, or {@link #ABSENT}.
     */
    public int vr(final int tag)
    {
        final int i = indexOf(tag);
        return i < 0 ? ABSENT : vrs[i];
    }

    /**
     * @param tag the tag.
     * @return the value field as kept (padded; binary values little-endian), not a copy; null if absent or a
     *         sequence.
     */
    public byte[] bytes(final int tag)
    {
        final int i = indexOf(tag);
        return i < 0 || vrs[i] == ValueRepresentation.SQ ? null : (byte[])values[i];
    }

    /**
     * @param tag the tag.
     * @return the live list of items of a sequence, or null if absent or not a sequence.
     */
    @SuppressWarnings("unchecked")
    public List<DataSet> sequence(final int tag)
    {
        final int i = indexOf(tag);
        return i < 0 || vrs[i] != ValueRepresentation.SQ ? null : (List<DataSet>)values[i];
    }

    /**
     * The value as text: text VRs decoded with {@link #charset()} and trimmed per VR (see the class comment);
     * US, SS, UL, SL, FL, FD and AT formatted as dcmdump prints them, values separated by backslashes.
     *
     * @param tag the tag.
     * @return the text; null if absent; empty if the value is empty.
     * @throws IllegalStateException if the attribute is a sequence or a VR such as OB that has no text form.
     */
    public String string(final int tag)
    {
        final int i = indexOf(tag);
        if (i < 0)
        {
            return null;
        }
        final int vr = vrs[i];
        if (isText(vr))
        {
            return trim(vr, decode(tag, (byte[])values[i]));
        }
        final String numbers = DataSetValues.formatBinary(vr, (byte[])values[i]);
        if (null == numbers)
        {
            throw new IllegalStateException(DataSetException.tagString(tag) + " with VR " + vrName(vr) +
                " has no text form");
        }
        return numbers;
    }

    /**
     * The values of a multi-valued attribute, each trimmed per VR. LT, ST, UT and UR are never split (a backslash
     * is text there).
     *
     * @param tag the tag.
     * @return the values; null if absent; an empty array if the value is empty.
     * @throws IllegalStateException as {@link #string(int)}.
     */
    public String[] strings(final int tag)
    {
        final int i = indexOf(tag);
        if (i < 0)
        {
            return null;
        }
        final int vr = vrs[i];
        final String whole = isText(vr) ? decode(tag, (byte[])values[i]) : string(tag);
        if (trim(vr, whole).isEmpty())
        {
            return new String[0];
        }
        if (!isMultiValued(vr))
        {
            return new String[] {trim(vr, whole)};
        }
        final String[] parts = whole.split("\\\\", -1);
        for (int k = 0; k < parts.length; k++)
        {
            parts[k] = trim(vr, parts[k]);
        }
        return parts;
    }

    /**
     * The first value as an integer, for US, SS, UL, SL and IS.
     *
     * @param tag          the tag.
     * @param defaultValue returned when the attribute is absent or empty.
     * @return the value (UL above {@link Integer#MAX_VALUE} wraps).
     * @throws IllegalStateException if the VR is not one of these.
     * @throws NumberFormatException if an IS value is not an integer.
     */
    public int intValue(final int tag, final int defaultValue)
    {
        final int i = indexOf(tag);
        if (i < 0 || (vrs[i] != ValueRepresentation.SQ && ((byte[])values[i]).length == 0))
        {
            return defaultValue;
        }
        final int vr = vrs[i];
        final byte[] v = (byte[])values[i];
        if (vr == ValueRepresentation.US)
        {
            return (v[0] & 0xFF) | (v[1] & 0xFF) << 8;
        }
        if (vr == ValueRepresentation.SS)
        {
            return (short)((v[0] & 0xFF) | (v[1] & 0xFF) << 8);
        }
        if ((vr == ValueRepresentation.UL || vr == ValueRepresentation.SL) && v.length >= 4)
        {
            return (v[0] & 0xFF) | (v[1] & 0xFF) << 8 | (v[2] & 0xFF) << 16 | (v[3] & 0xFF) << 24;
        }
        if (vr == ValueRepresentation.IS)
        {
            final String[] all = strings(tag);
            return all.length == 0 || all[0].isEmpty() ? defaultValue : Integer.parseInt(all[0]);
        }
        throw new IllegalStateException(DataSetException.tagString(tag) + " with VR " + vrName(vr) +
            " is not an integer");
    }

    /**
     * @return how many attributes this data set holds at its own level.
     */
    public int size()
    {
        return size;
    }

    /**
     * @param index 0 to {@link #size()} - 1: attributes are in ascending tag order (tags compared unsigned).
     * @return the tag at that position.
     */
    public int tagAt(final int index)
    {
        Objects.checkIndex(index, size);
        return tags[index];
    }

    /**
     * @param index 0 to {@link #size()} - 1.
     * @return the VR at that position.
     */
    public int vrAt(final int index)
    {
        Objects.checkIndex(index, size);
        return vrs[index];
    }

    /**
     * @return a copy of the tags, in ascending order.
     */
    public int[] tags()
    {
        return Arrays.copyOf(tags, size);
    }

    /**
     * @param tag the tag.
     * @return its position, or a negative number if absent.
     */
    public int indexOf(final int tag)
    {
        int low = 0;
        int high = size - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final int c = Integer.compareUnsigned(tags[mid], tag);
            if (c < 0)
            {
                low = mid + 1;
            }
            else if (c > 0)
            {
                high = mid - 1;
            }
            else
            {
                return mid;
            }
        }
        return -(low + 1);
    }

    /**
     * The character set of text values: from Specific Character Set (0008,0005) of this data set, or else of the
     * nearest parent (the data set an item was created in by {@link #addItem} or {@link #read}) that has one.
     * Supported: the default repertoire and ISO_IR 100 (ISO-8859-1), ISO_IR 101/109/110/144/127/126/138/148/203
     * (ISO-8859-2/3/4/5/6/7/8/9/15), ISO_IR 166 (TIS-620), ISO_IR 192 (UTF-8), GB18030 and GBK. Anything else,
     * including ISO 2022 code extensions, is read as ISO-8859-1, which keeps every byte.
     *
     * @return the charset to decode and encode text with.
     */
    public Charset charset()
    {
        for (DataSet d = this; null != d; d = d.parent)
        {
            final int i = d.indexOf(Tag.SPECIFIC_CHARACTER_SET);
            if (i >= 0 && d.vrs[i] != ValueRepresentation.SQ)
            {
                return DataSetValues.charsetOf(new String((byte[])d.values[i], StandardCharsets.ISO_8859_1));
            }
        }
        return StandardCharsets.ISO_8859_1;
    }

    /**
     * @return a deep copy (items copied too) with no parent.
     */
    public DataSet copy()
    {
        final DataSet copy = new DataSet();
        copyInto(copy);
        return copy;
    }

    private void copyInto(final DataSet copy)
    {
        copy.ensureCapacity(size);
        for (int i = 0; i < size; i++)
        {
            copy.tags[i] = tags[i];
            copy.vrs[i] = vrs[i];
            if (vrs[i] == ValueRepresentation.SQ)
            {
                final List<DataSet> items = new ArrayList<>();
                for (final DataSet item : sequence(tags[i]))
                {
                    final DataSet c = new DataSet(copy);
                    item.copyInto(c);
                    items.add(c);
                }
                copy.values[i] = items;
            }
            else
            {
                copy.values[i] = ((byte[])values[i]).clone();
            }
        }
        copy.size = size;
    }

    // ------------------------------------------------------------------------------------------------ read

    /**
     * Parses a data set (no preamble, no File Meta Information).
     *
     * @param buffer   the bytes.
     * @param offset   where the data set starts.
     * @param length   its length.
     * @param encoding {@link DataSetReader#IMPLICIT_LITTLE}, {@link DataSetReader#EXPLICIT_LITTLE} or
     *                 {@link DataSetReader#EXPLICIT_BIG}.
     * @return the data set; values are copied out of the buffer.
     * @throws DataSetException if the bytes are malformed, or hold encapsulated pixel data.
     */
    public static DataSet read(final DirectBuffer buffer, final int offset, final int length, final int encoding)
    {
        final DataSetReader reader = new DataSetReader().wrap(buffer, offset, length, encoding);
        final DataSet dataSet = new DataSet();
        readLevel(reader, dataSet, encoding == DataSetReader.IMPLICIT_LITTLE);
        return dataSet;
    }

    private static void readLevel(final DataSetReader reader, final DataSet into, final boolean implicit)
    {
        while (reader.next())
        {
            final int tag = reader.tag();
            final boolean undefined = reader.valueLength() == DataSetReader.UNDEFINED_LENGTH;
            int vr = implicit ? ElementDictionary.vr(tag) : reader.vr();
            if (undefined && tag == DataSetReader.PIXEL_DATA && vr != ValueRepresentation.SQ &&
                vr != ValueRepresentation.UN)
            {
                throw new DataSetException(tag, reader.elementOffset(), "encapsulated pixel data is not " +
                    "supported by DataSet");
            }
            if (undefined && vr == ValueRepresentation.UN)
            {
                vr = ValueRepresentation.SQ;
            }
            if (vr == ValueRepresentation.SQ)
            {
                final boolean nestedImplicit = implicit || reader.vr() == ValueRepresentation.UN;
                final List<DataSet> items = into.putSequence(tag);
                reader.enterSequence();
                while (reader.nextItem())
                {
                    final DataSet item = new DataSet(into);
                    readLevel(reader, item, nestedImplicit);
                    items.add(item);
                }
                reader.exitSequence();
            }
            else
            {
                if (reader.valueLength() < 0)
                {
                    throw new DataSetException(tag, reader.elementOffset(), "an undefined-length " +
                        ValueRepresentation.name(vr) + " value (encapsulated pixel data) cannot be held in a DataSet");
                }
                final byte[] value = new byte[reader.valueLength()];
                reader.buffer().getBytes(reader.valueOffset(), value);
                if (reader.byteOrder() == BIG_ENDIAN)
                {
                    DataSetValues.swap(value, DataSetValues.swapSize(vr));
                }
                into.put(tag, ValueRepresentation.isKnown(vr) ? vr : ValueRepresentation.UN, value);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ write

    /**
     * @param encoding {@link DataSetReader#IMPLICIT_LITTLE}, {@link DataSetReader#EXPLICIT_LITTLE} or
     *                 {@link DataSetReader#EXPLICIT_BIG}.
     * @return how many bytes {@link #write} writes.
     * @throws IllegalArgumentException if the encoding is not one of these.
     * @throws IllegalStateException    if a value longer than 65535 bytes has a VR with a 16-bit length field in
     *                                  an explicit VR encoding.
     */
    public int encodedLength(final int encoding)
    {
        final boolean explicit = explicit(encoding);
        int length = 0;
        for (int i = 0; i < size; i++)
        {
            final int vr = vrs[i];
            final boolean longHeader = !explicit || ValueRepresentation.hasLongHeader(vr);
            length += explicit && longHeader ? LONG_HEADER_LENGTH : SHORT_HEADER_LENGTH;
            if (vr == ValueRepresentation.SQ)
            {
                for (final DataSet item : sequence(tags[i]))
                {
                    length += ITEM_HEADER_LENGTH + item.encodedLength(encoding) + ITEM_HEADER_LENGTH;
                }
                length += ITEM_HEADER_LENGTH;
            }
            else
            {
                final int valueLength = ((byte[])values[i]).length;
                if (!longHeader && valueLength > MAX_SHORT_LENGTH)
                {
                    throw new IllegalStateException(DataSetException.tagString(tags[i]) + " " + vrName(vr) +
                        " value of " + valueLength + " bytes does not fit a 16-bit length");
                }
                length += valueLength;
            }
        }
        return length;
    }

    /**
     * Writes the data set: sequences and items with undefined length and delimiters (see the class comment).
     *
     * @param dst      where to write.
     * @param offset   where to start.
     * @param encoding {@link DataSetReader#IMPLICIT_LITTLE}, {@link DataSetReader#EXPLICIT_LITTLE} or
     *                 {@link DataSetReader#EXPLICIT_BIG}.
     * @return the number of bytes written, {@link #encodedLength(int)}.
     * @throws IllegalArgumentException if the encoding is not one of these or {@code dst} has no room; nothing is
     *                                  written then.
     */
    public int write(final MutableDirectBuffer dst, final int offset, final int encoding)
    {
        final int length = encodedLength(encoding);
        if (offset < 0 || offset > dst.capacity() - length)
        {
            throw new IllegalArgumentException("data set needs " + length + " bytes at offset " + offset +
                ", the buffer has " + dst.capacity());
        }
        final int end = writeLevel(dst, offset, explicit(encoding),
            encoding == DataSetReader.EXPLICIT_BIG ? BIG_ENDIAN : LITTLE_ENDIAN);
        return end - offset;
    }

    private int writeLevel(final MutableDirectBuffer dst, final int offset, final boolean explicit,
        final ByteOrder order)
    {
        int p = offset;
        for (int i = 0; i < size; i++)
        {
            final int vr = vrs[i];
            final boolean sq = vr == ValueRepresentation.SQ;
            final byte[] value = sq ? null : (byte[])values[i];
            p = header(dst, p, tags[i], vr, sq ? DataSetReader.UNDEFINED_LENGTH : value.length, explicit, order);
            if (sq)
            {
                for (final DataSet item : sequence(tags[i]))
                {
                    p = itemHeader(dst, p, DataSetReader.ITEM, DataSetReader.UNDEFINED_LENGTH, order);
                    p = item.writeLevel(dst, p, explicit, order);
                    p = itemHeader(dst, p, DataSetReader.ITEM_DELIMITATION, 0, order);
                }
                p = itemHeader(dst, p, DataSetReader.SEQUENCE_DELIMITATION, 0, order);
            }
            else
            {
                dst.putBytes(p, value);
                if (order == BIG_ENDIAN)
                {
                    DataSetValues.swap(dst, p, value.length, DataSetValues.swapSize(vr));
                }
                p += value.length;
            }
        }
        return p;
    }

    private static int header(final MutableDirectBuffer dst, final int p, final int tag, final int vr,
        final int length, final boolean explicit, final ByteOrder order)
    {
        dst.putShort(p, (short)(tag >>> 16), order);
        dst.putShort(p + 2, (short)tag, order);
        if (!explicit)
        {
            dst.putInt(p + 4, length, order);
            return p + SHORT_HEADER_LENGTH;
        }
        dst.putByte(p + 4, (byte)(vr >>> 8));
        dst.putByte(p + 5, (byte)vr);
        if (ValueRepresentation.hasLongHeader(vr))
        {
            dst.putShort(p + 6, (short)0, order);
            dst.putInt(p + 8, length, order);
            return p + LONG_HEADER_LENGTH;
        }
        dst.putShort(p + 6, (short)length, order);
        return p + SHORT_HEADER_LENGTH;
    }

    private static int itemHeader(final MutableDirectBuffer dst, final int p, final int tag, final int length,
        final ByteOrder order)
    {
        dst.putShort(p, (short)(tag >>> 16), order);
        dst.putShort(p + 2, (short)tag, order);
        dst.putInt(p + 4, length, order);
        return p + ITEM_HEADER_LENGTH;
    }

    private static boolean explicit(final int encoding)
    {
        if (encoding != DataSetReader.IMPLICIT_LITTLE && encoding != DataSetReader.EXPLICIT_LITTLE &&
            encoding != DataSetReader.EXPLICIT_BIG)
        {
            throw new IllegalArgumentException("Unsupported encoding " + encoding);
        }
        return encoding != DataSetReader.IMPLICIT_LITTLE;
    }

    // ------------------------------------------------------------------------------------------------ Object

    /**
     * Equal when both hold the same tags, with the same VRs and the same value bytes, and equal items in the same
     * order. The parent is not compared.
     *
     * @param o the other object.
     * @return true if equal.
     */
    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof DataSet))
        {
            return false;
        }
        final DataSet other = (DataSet)o;
        if (size != other.size)
        {
            return false;
        }
        for (int i = 0; i < size; i++)
        {
            if (tags[i] != other.tags[i] || vrs[i] != other.vrs[i])
            {
                return false;
            }
            final boolean same = vrs[i] == ValueRepresentation.SQ ? values[i].equals(other.values[i]) :
                Arrays.equals((byte[])values[i], (byte[])other.values[i]);
            if (!same)
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode()
    {
        int h = 1;
        for (int i = 0; i < size; i++)
        {
            h = 31 * h + tags[i];
            h = 31 * h + vrs[i];
            h = 31 * h + (vrs[i] == ValueRepresentation.SQ ? values[i].hashCode() : Arrays.hashCode((byte[])values[i]));
        }
        return h;
    }

    /**
     * @return one line per attribute and item, as dcmdump prints them: {@code (0010,0010) PN [Doe^John]}, two spaces
     *         of indent per nesting level, items as {@code (fffe,e000) na (Item #=2)}.
     */
    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder();
        appendTo(out, 0);
        return out.toString();
    }

    private void appendTo(final StringBuilder out, final int depth)
    {
        for (int i = 0; i < size; i++)
        {
            out.append("  ".repeat(depth)).append(tagText(tags[i])).append(' ').append(vrName(vrs[i])).append(' ');
            if (vrs[i] == ValueRepresentation.SQ)
            {
                final List<DataSet> items = sequence(tags[i]);
                out.append("(Sequence #=").append(items.size()).append(")\n");
                for (final DataSet item : items)
                {
                    out.append("  ".repeat(depth + 1)).append("(fffe,e000) na (Item #=").append(item.size)
                        .append(")\n");
                    item.appendTo(out, depth + 2);
                }
                continue;
            }
            final byte[] value = (byte[])values[i];
            if (value.length == 0)
            {
                out.append("(no value available)\n");
                continue;
            }
            final String text = isText(vrs[i]) || null != DataSetValues.formatBinary(vrs[i], value) ?
                string(tags[i]) : null;
            out.append(null != text ? "[" + text + "]" : DataSetValues.hex(value, MAX_HEX_BYTES)).append('\n');
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /**
     * @param vr a VR code.
     * @return true for the VRs whose value is character text: AE, AS, CS, DA, DS, DT, IS, LO, LT, PN, SH, ST, TM,
     *         UC, UI, UR, UT.
     */
    public static boolean isText(final int vr)
    {
        return DataSetValues.isText(vr);
    }

    /**
     * Removes what PS3.5 §6.2 calls padding or insignificant from a text value: trailing spaces and NULs always;
     * leading spaces too for AE, CS, DS, IS, LO and SH.
     *
     * @param vr    the VR.
     * @param value the text.
     * @return the trimmed text.
     */
    public static String trim(final int vr, final String value)
    {
        int end = value.length();
        while (end > 0 && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == 0))
        {
            end--;
        }
        int start = 0;
        final boolean leading = vr == ValueRepresentation.AE || vr == ValueRepresentation.CS ||
            vr == ValueRepresentation.DS || vr == ValueRepresentation.IS || vr == ValueRepresentation.LO ||
            vr == ValueRepresentation.SH;
        while (leading && start < end && value.charAt(start) == ' ')
        {
            start++;
        }
        return value.substring(start, end);
    }

    /**
     * @param vr a VR code.
     * @return false for LT, ST, UT and UR, whose value multiplicity is always 1 (PS3.5 §6.4), true otherwise.
     */
    public static boolean isMultiValued(final int vr)
    {
        return vr != ValueRepresentation.LT && vr != ValueRepresentation.ST && vr != ValueRepresentation.UT &&
            vr != ValueRepresentation.UR;
    }

    private String decode(final int tag, final byte[] value)
    {
        return new String(value, tag == Tag.SPECIFIC_CHARACTER_SET ? StandardCharsets.ISO_8859_1 : charset());
    }

    private void set(final int tag, final int vr, final Object value)
    {
        final int i = indexOf(tag);
        if (i >= 0)
        {
            vrs[i] = vr;
            values[i] = value;
            return;
        }
        final int at = -(i + 1);
        ensureCapacity(size + 1);
        System.arraycopy(tags, at, tags, at + 1, size - at);
        System.arraycopy(vrs, at, vrs, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
        tags[at] = tag;
        vrs[at] = vr;
        values[at] = value;
        size++;
    }

    private void ensureCapacity(final int capacity)
    {
        if (capacity > tags.length)
        {
            final int n = Math.max(capacity, tags.length * 2);
            tags = Arrays.copyOf(tags, n);
            vrs = Arrays.copyOf(vrs, n);
            values = Arrays.copyOf(values, n);
        }
    }

    private static void checkTag(final int tag)
    {
        if (tag >>> 16 == 0xFFFE)
        {
            throw new IllegalArgumentException(DataSetException.tagString(tag) + " is an item or delimiter tag");
        }
    }

    private static byte padByte(final int vr)
    {
        if (vr == ValueRepresentation.UI || !isText(vr))
        {
            return 0;
        }
        return (byte)' ';
    }

    private static byte[] padded(final byte[] value, final byte pad)
    {
        final byte[] v = Arrays.copyOf(value, value.length + 1);
        v[value.length] = pad;
        return v;
    }

    private static byte[] littleEndian(final int value)
    {
        return new byte[] {(byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24)};
    }

    private static String vrName(final int vr)
    {
        final String name = ValueRepresentation.name(vr);
        return null == name ? String.format("0x%04X", vr) : name;
    }

    private static String tagText(final int tag)
    {
        return String.format("(%04x,%04x)", tag >>> 16, tag & 0xFFFF);
    }
}
