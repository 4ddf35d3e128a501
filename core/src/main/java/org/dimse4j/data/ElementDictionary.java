package org.dimse4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The data dictionary of PS3.6 (2022 edition): VR, keyword and name of every standard data element, retired ones
 * included, by tag (group in the upper 16 bits).
 * <p>
 * The table is {@code elements.tsv} next to this class, generated with {@link Tag} by {@code DictionaryGenerator}
 * from {@code core/src/main/dicom/dictionary.tsv}, and read once at class initialisation. A tag is resolved in this
 * order:
 * <ol>
 *     <li>an element of the standard with a fixed tag: binary search in a sorted {@code int[]};</li>
 *     <li>a private tag (odd group other than 0001-0007 and FFFF): the private group length (gggg,0000) is UL, the
 *     private creator elements (gggg,0010-00FF) are LO (PS3.5 §7.8.1), every other private element is UN;</li>
 *     <li>a group length (gggg,0000) of any other group: UL (PS3.5 §7.2);</li>
 *     <li>a repeating-group element such as (60xx,3000) Overlay Data or (50xx,0005): the tag masked with each of
 *     the repeating entries' masks (x digits cleared) and compared;</li>
 *     <li>anything else, including the illegal odd groups 0001-0007 and FFFF: UN.</li>
 * </ol>
 * Where the standard allows several VRs ("OB or OW", "US or SS", "US or SS or OW", "US or OW"), {@link #vr(int)}
 * returns the first listed (OB for Pixel Data, US for Smallest Image Pixel Value): the VR to assume when nothing
 * else decides it, e.g. an implicit-VR data set whose Bits Allocated or Pixel Representation is not known.
 * {@link #allowsVr(int, int)} accepts every listed one. {@link #vr(int)} and {@link #allowsVr(int, int)} allocate
 * nothing; {@link #tagOf(String)} is a binary search over the keywords.
 */
public final class ElementDictionary
{
    private static final String RESOURCE = "elements.tsv";
    private static final int MAX_VRS = 3;
    private static final int[] TAGS;
    private static final int[] VRS;
    private static final long[] ALLOWED;
    private static final String[] KEYWORDS;
    private static final String[] NAMES;
    private static final int[] REPEATING_MASKS;
    private static final int[] REPEATING_VALUES;
    private static final int[] REPEATING_VRS;
    private static final long[] REPEATING_ALLOWED;
    private static final String[] REPEATING_KEYWORDS;
    private static final String[] REPEATING_NAMES;
    private static final String[] KEYWORD_INDEX;
    private static final int[] KEYWORD_TAGS;

    static
    {
        final List<String[]> rows = read();
        final List<String[]> exact = new ArrayList<>();
        final List<String[]> repeating = new ArrayList<>();
        for (final String[] row : rows)
        {
            (row[0].indexOf('x') >= 0 ? repeating : exact).add(row);
        }
        exact.sort((a, b) -> Integer.compare(parseTag(a[0], '0'), parseTag(b[0], '0')));

        TAGS = new int[exact.size()];
        VRS = new int[exact.size()];
        ALLOWED = new long[exact.size()];
        KEYWORDS = new String[exact.size()];
        NAMES = new String[exact.size()];
        for (int i = 0; i < exact.size(); i++)
        {
            final String[] row = exact.get(i);
            TAGS[i] = parseTag(row[0], '0');
            ALLOWED[i] = parseVrs(row[1]);
            VRS[i] = (int)(ALLOWED[i] & 0xFFFF);
            KEYWORDS[i] = nullIfEmpty(row[2]);
            NAMES[i] = nullIfEmpty(row[3]);
            if (i > 0 && TAGS[i] == TAGS[i - 1])
            {
                throw new IllegalStateException("duplicate tag in " + RESOURCE + ": " + row[0]);
            }
        }

        REPEATING_MASKS = new int[repeating.size()];
        REPEATING_VALUES = new int[repeating.size()];
        REPEATING_VRS = new int[repeating.size()];
        REPEATING_ALLOWED = new long[repeating.size()];
        REPEATING_KEYWORDS = new String[repeating.size()];
        REPEATING_NAMES = new String[repeating.size()];
        for (int i = 0; i < repeating.size(); i++)
        {
            final String[] row = repeating.get(i);
            REPEATING_MASKS[i] = ~parseTag(row[0].replaceAll("[0-9A-F]", "0"), 'F');
            REPEATING_VALUES[i] = parseTag(row[0], '0');
            REPEATING_ALLOWED[i] = parseVrs(row[1]);
            REPEATING_VRS[i] = (int)(REPEATING_ALLOWED[i] & 0xFFFF);
            REPEATING_KEYWORDS[i] = nullIfEmpty(row[2]);
            REPEATING_NAMES[i] = nullIfEmpty(row[3]);
        }

        final List<String[]> keyed = new ArrayList<>();
        for (final String[] row : rows)
        {
            if (!row[2].isEmpty())
            {
                keyed.add(row);
            }
        }
        keyed.sort((a, b) -> a[2].compareTo(b[2]));
        KEYWORD_INDEX = new String[keyed.size()];
        KEYWORD_TAGS = new int[keyed.size()];
        for (int i = 0; i < keyed.size(); i++)
        {
            KEYWORD_INDEX[i] = keyed.get(i)[2];
            KEYWORD_TAGS[i] = parseTag(keyed.get(i)[0], '0');
        }
    }

    private ElementDictionary()
    {
    }

    /**
     * The VR of an element, by the rules of the class comment; allocation-free.
     *
     * @param tag the tag, group in the upper 16 bits.
     * @return a {@link VR} code: the first listed where the standard allows several, {@link VR#NONE} for items
     * and delimitation items, {@link VR#UN} for unknown and private data elements.
     */
    public static int vr(final int tag)
    {
        final int i = Arrays.binarySearch(TAGS, tag);
        if (i >= 0)
        {
            return VRS[i];
        }
        final int element = tag & 0xFFFF;
        if (isPrivateGroup(tag >>> 16))
        {
            return element == 0 ? VR.UL : element >= 0x0010 && element <= 0x00FF ? VR.LO : VR.UN;
        }
        if (element == 0)
        {
            return VR.UL;
        }
        final int r = repeatingIndex(tag);
        return r >= 0 ? REPEATING_VRS[r] : VR.UN;
    }

    /**
     * Whether the standard allows a VR for an element, e.g. both OB and OW for Pixel Data; allocation-free.
     *
     * @param tag the tag.
     * @param vr  a {@link VR} code.
     * @return true if {@code vr} is one of the VRs listed for the element, or is {@link #vr(int)} for a private,
     * group-length or unknown tag.
     */
    public static boolean allowsVr(final int tag, final int vr)
    {
        final int i = Arrays.binarySearch(TAGS, tag);
        final long allowed;
        if (i >= 0)
        {
            allowed = ALLOWED[i];
        }
        else
        {
            final int r = isPrivateGroup(tag >>> 16) || (tag & 0xFFFF) == 0 ? -1 : repeatingIndex(tag);
            allowed = r >= 0 ? REPEATING_ALLOWED[r] : vr(tag);
        }
        for (int k = 0; k < MAX_VRS; k++)
        {
            final int candidate = (int)((allowed >>> (16 * k)) & 0xFFFF);
            if (candidate == vr && (k == 0 || candidate != VR.NONE))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @param tag the tag.
     * @return the keyword of the standard element (e.g. {@code PatientName}, {@code OverlayData} for any
     * (60xx,3000)), or null for private and unknown tags and the few retired elements without a keyword.
     */
    public static String keyword(final int tag)
    {
        final int i = Arrays.binarySearch(TAGS, tag);
        if (i >= 0)
        {
            return KEYWORDS[i];
        }
        final int r = isPrivateGroup(tag >>> 16) ? -1 : repeatingIndex(tag);
        return r >= 0 ? REPEATING_KEYWORDS[r] : null;
    }

    /**
     * @param tag the tag.
     * @return the name of the standard element (e.g. {@code Patient's Name}), or null for private and unknown
     * tags.
     */
    public static String name(final int tag)
    {
        final int i = Arrays.binarySearch(TAGS, tag);
        if (i >= 0)
        {
            return NAMES[i];
        }
        final int r = isPrivateGroup(tag >>> 16) ? -1 : repeatingIndex(tag);
        return r >= 0 ? REPEATING_NAMES[r] : null;
    }

    /**
     * @param keyword a keyword of the standard, retired ones included (e.g. {@code PatientName}).
     * @return its tag; for a repeating-group element the first group's (OverlayData gives 0x60003000); -1 if
     * unknown.
     */
    public static int tagOf(final String keyword)
    {
        final int i = keyword == null ? -1 : Arrays.binarySearch(KEYWORD_INDEX, keyword);
        return i >= 0 ? KEYWORD_TAGS[i] : -1;
    }

    private static boolean isPrivateGroup(final int group)
    {
        return (group & 1) != 0 && group > 0x0007 && group != 0xFFFF;
    }

    private static int repeatingIndex(final int tag)
    {
        for (int r = 0; r < REPEATING_MASKS.length; r++)
        {
            if ((tag & REPEATING_MASKS[r]) == REPEATING_VALUES[r])
            {
                return r;
            }
        }
        return -1;
    }

    private static List<String[]> read()
    {
        final InputStream in = ElementDictionary.class.getResourceAsStream(RESOURCE);
        if (in == null)
        {
            throw new IllegalStateException("missing resource " + RESOURCE + " next to " + ElementDictionary.class);
        }
        final List<String[]> rows = new ArrayList<>(5000);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (line.isEmpty() || line.startsWith("#"))
                {
                    continue;
                }
                final String[] fields = line.split("\t", -1);
                if (fields.length != 5 || fields[0].length() != 8)
                {
                    throw new IllegalStateException("bad line in " + RESOURCE + ": " + line);
                }
                rows.add(fields);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return rows;
    }

    private static int parseTag(final String tag, final char x)
    {
        return (int)Long.parseLong(tag.replace('x', x), 16);
    }

    /** Up to three VR codes, 16 bits each, the first listed in the low bits. */
    private static long parseVrs(final String vrs)
    {
        final String[] names = vrs.split(" or ");
        if (names.length > MAX_VRS)
        {
            throw new IllegalStateException("more than " + MAX_VRS + " VRs: " + vrs);
        }
        long packed = 0;
        for (int k = 0; k < names.length; k++)
        {
            final int vr = VR.of(names[k]);
            if (vr < 0)
            {
                throw new IllegalStateException("unknown VR " + names[k]);
            }
            packed |= (long)vr << (16 * k);
        }
        return packed;
    }

    private static String nullIfEmpty(final String value)
    {
        return value.isEmpty() ? null : value;
    }
}
