package org.dimse4j.data;

/**
 * A DICOM data set or Part 10 file is malformed: a length that runs past the bytes present, a truncated header, a
 * delimiter out of place, a missing "DICM" magic, a File Meta Information group whose length lies.
 * <p>
 * It is the only exception our data set readers let escape for bad input: never an index exception from deep
 * inside. The message names the element tag and the offset where the fault was found, e.g.
 * {@code "(0028,0010) at offset 318: value length 4 exceeds the 2 bytes left"}. The stack trace is not filled in
 * (the message says what was wrong), so a flood of garbage costs no more than its bytes.
 */
public class DataSetException extends RuntimeException
{
    /** Value of {@link #tag()} and {@link #offset()} when the fault is not tied to one element. */
    public static final int UNKNOWN = -1;

    private static final long serialVersionUID = 1L;

    private final int tag;
    private final long offset;

    /**
     * A fault not tied to one element.
     *
     * @param message what was wrong.
     */
    public DataSetException(final String message)
    {
        super(message, null, false, false);
        this.tag = UNKNOWN;
        this.offset = UNKNOWN;
    }

    /**
     * A fault found at one element; the message is {@code "(gggg,eeee) at offset N: " + reason}.
     *
     * @param tag    the element tag, group in the upper 16 bits.
     * @param offset where the element starts, relative to the start of the data set or file being read.
     * @param reason what was wrong.
     */
    public DataSetException(final int tag, final long offset, final String reason)
    {
        super(tagString(tag) + " at offset " + offset + ": " + reason, null, false, false);
        this.tag = tag;
        this.offset = offset;
    }

    /**
     * @return the tag of the element at fault, or {@link #UNKNOWN}.
     */
    public int tag()
    {
        return tag;
    }

    /**
     * @return where the element at fault starts, relative to the start of the data set or file, or
     *         {@link #UNKNOWN}.
     */
    public long offset()
    {
        return offset;
    }

    /**
     * Formats a tag the way DICOM documents print it.
     *
     * @param tag group in the upper 16 bits, element in the lower.
     * @return e.g. {@code "(7FE0,0010)"}; allocates.
     */
    public static String tagString(final int tag)
    {
        final String hex = String.format("%08X", tag);
        return "(" + hex.substring(0, 4) + "," + hex.substring(4) + ")";
    }
}
