package org.dimse4j.data;

/**
 * Value representation codes (PS3.5 §6.2) as the two ASCII bytes of the explicit VR header packed into an
 * {@code int}: {@code ('P' << 8) | 'N'} for PN. This is exactly what a big-endian read of the two VR bytes yields,
 * so a reader needs no lookup to go from wire bytes to a constant.
 * <p>
 * The VR decides the explicit VR element header (PS3.5 §7.1.2):
 * <pre>
 *  short header (8 bytes): AE AS AT CS DA DS DT FL FD IS LO LT PN SH SL SS ST TM UI UL US
 *   0       2         4    5    6            8
 *  +-------+---------+----+----+------------+-------
 *  | group | element | V  | R  | length u16 | value
 *  +-------+---------+----+----+------------+-------
 *
 *  long header (12 bytes): OB OD OF OL OV OW SQ SV UC UN UR UT UV
 *   0       2         4    5    6          8            12
 *  +-------+---------+----+----+----------+------------+-------
 *  | group | element | V  | R  | 00 00    | length u32 | value
 *  +-------+---------+----+----+----------+------------+-------
 * </pre>
 */
public final class ValueRepresentation
{
    /** No VR: items and delimiters (FFFE,xxxx) carry none. */
    public static final int NONE = 0;
    /** Application Entity. */
    public static final int AE = code('A', 'E');
    /** Age String. */
    public static final int AS = code('A', 'S');
    /** Attribute Tag. */
    public static final int AT = code('A', 'T');
    /** Code String. */
    public static final int CS = code('C', 'S');
    /** Date. */
    public static final int DA = code('D', 'A');
    /** Decimal String. */
    public static final int DS = code('D', 'S');
    /** Date Time. */
    public static final int DT = code('D', 'T');
    /** Floating Point Single. */
    public static final int FL = code('F', 'L');
    /** Floating Point Double. */
    public static final int FD = code('F', 'D');
    /** Integer String. */
    public static final int IS = code('I', 'S');
    /** Long String. */
    public static final int LO = code('L', 'O');
    /** Long Text. */
    public static final int LT = code('L', 'T');
    /** Other Byte. */
    public static final int OB = code('O', 'B');
    /** Other Double. */
    public static final int OD = code('O', 'D');
    /** Other Float. */
    public static final int OF = code('O', 'F');
    /** Other Long. */
    public static final int OL = code('O', 'L');
    /** Other 64-bit Very Long. */
    public static final int OV = code('O', 'V');
    /** Other Word. */
    public static final int OW = code('O', 'W');
    /** Person Name. */
    public static final int PN = code('P', 'N');
    /** Short String. */
    public static final int SH = code('S', 'H');
    /** Signed Long. */
    public static final int SL = code('S', 'L');
    /** Sequence of Items. */
    public static final int SQ = code('S', 'Q');
    /** Signed Short. */
    public static final int SS = code('S', 'S');
    /** Short Text. */
    public static final int ST = code('S', 'T');
    /** Signed 64-bit Very Long. */
    public static final int SV = code('S', 'V');
    /** Time. */
    public static final int TM = code('T', 'M');
    /** Unlimited Characters. */
    public static final int UC = code('U', 'C');
    /** Unique Identifier (UID). */
    public static final int UI = code('U', 'I');
    /** Unsigned Long. */
    public static final int UL = code('U', 'L');
    /** Unknown. */
    public static final int UN = code('U', 'N');
    /** Universal Resource Identifier or Locator. */
    public static final int UR = code('U', 'R');
    /** Unsigned Short. */
    public static final int US = code('U', 'S');
    /** Unlimited Text. */
    public static final int UT = code('U', 'T');
    /** Unsigned 64-bit Very Long. */
    public static final int UV = code('U', 'V');

    private ValueRepresentation()
    {
    }

    /**
     * @param first  the first VR character.
     * @param second the second VR character.
     * @return the packed code.
     */
    public static int code(final char first, final char second)
    {
        return (first & 0xFF) << 8 | (second & 0xFF);
    }

    /**
     * @param vr a packed code.
     * @return true when the explicit VR header of this VR is the 12-byte form with a 32-bit length.
     */
    public static boolean hasLongHeader(final int vr)
    {
        return vr == OB || vr == OW || vr == SQ || vr == UN || vr == UT || vr == UC || vr == UR ||
            vr == OD || vr == OF || vr == OL || vr == OV || vr == SV || vr == UV;
    }

    /**
     * @param vr a packed code.
     * @return true when {@code vr} is one of the VRs of PS3.5 Table 6.2-1 (2023), not {@link #NONE}.
     */
    public static boolean isKnown(final int vr)
    {
        return null != name(vr);
    }

    /**
     * @param vr a packed code.
     * @return the two-letter name (a constant, no allocation), or null when {@code vr} is not a known VR.
     */
    public static String name(final int vr)
    {
        switch (vr >>> 8)
        {
            case 'A': return vr == AE ? "AE" : vr == AS ? "AS" : vr == AT ? "AT" : null;
            case 'C': return vr == CS ? "CS" : null;
            case 'D': return vr == DA ? "DA" : vr == DS ? "DS" : vr == DT ? "DT" : null;
            case 'F': return vr == FL ? "FL" : vr == FD ? "FD" : null;
            case 'I': return vr == IS ? "IS" : null;
            case 'L': return vr == LO ? "LO" : vr == LT ? "LT" : null;
            case 'O':
                return vr == OB ? "OB" : vr == OD ? "OD" : vr == OF ? "OF" : vr == OL ? "OL" : vr == OV ? "OV" :
                    vr == OW ? "OW" : null;
            case 'P': return vr == PN ? "PN" : null;
            case 'S':
                return vr == SH ? "SH" : vr == SL ? "SL" : vr == SQ ? "SQ" : vr == SS ? "SS" : vr == ST ? "ST" :
                    vr == SV ? "SV" : null;
            case 'T': return vr == TM ? "TM" : null;
            case 'U':
                return vr == UC ? "UC" : vr == UI ? "UI" : vr == UL ? "UL" : vr == UN ? "UN" : vr == UR ? "UR" :
                    vr == US ? "US" : vr == UT ? "UT" : vr == UV ? "UV" : null;
            default: return null;
        }
    }
}
