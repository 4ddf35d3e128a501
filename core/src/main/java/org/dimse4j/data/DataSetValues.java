package org.dimse4j.data;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.agrona.MutableDirectBuffer;

/**
 * Value helpers of {@link DataSet}: which VRs are text, byte swapping of binary values, their text form, and the
 * charset of a Specific Character Set value.
 */
final class DataSetValues
{
    private DataSetValues()
    {
    }

    static boolean isText(final int vr)
    {
        return vr == ValueRepresentation.AE || vr == ValueRepresentation.AS || vr == ValueRepresentation.CS ||
            vr == ValueRepresentation.DA || vr == ValueRepresentation.DS || vr == ValueRepresentation.DT ||
            vr == ValueRepresentation.IS || vr == ValueRepresentation.LO || vr == ValueRepresentation.LT ||
            vr == ValueRepresentation.PN || vr == ValueRepresentation.SH || vr == ValueRepresentation.ST ||
            vr == ValueRepresentation.TM || vr == ValueRepresentation.UC || vr == ValueRepresentation.UI ||
            vr == ValueRepresentation.UR || vr == ValueRepresentation.UT;
    }

    /**
     * @return the size of the unit whose bytes a change of byte order reverses: 2 for US, SS, OW and AT (a pair of
     *         16-bit numbers), 4 for UL, SL, FL, OF and OL, 8 for FD, OD, SV, UV and OV, 1 (nothing) otherwise.
     */
    static int swapSize(final int vr)
    {
        if (vr == ValueRepresentation.US || vr == ValueRepresentation.SS || vr == ValueRepresentation.OW ||
            vr == ValueRepresentation.AT)
        {
            return 2;
        }
        if (vr == ValueRepresentation.UL || vr == ValueRepresentation.SL || vr == ValueRepresentation.FL ||
            vr == ValueRepresentation.OF || vr == ValueRepresentation.OL)
        {
            return 4;
        }
        if (vr == ValueRepresentation.FD || vr == ValueRepresentation.OD || vr == ValueRepresentation.SV ||
            vr == ValueRepresentation.UV || vr == ValueRepresentation.OV)
        {
            return 8;
        }
        return 1;
    }

    static void swap(final byte[] value, final int unit)
    {
        for (int u = 0; unit > 1 && u + unit <= value.length; u += unit)
        {
            for (int a = u, b = u + unit - 1; a < b; a++, b--)
            {
                final byte t = value[a];
                value[a] = value[b];
                value[b] = t;
            }
        }
    }

    static void swap(final MutableDirectBuffer buffer, final int offset, final int length, final int unit)
    {
        for (int u = offset; unit > 1 && u + unit <= offset + length; u += unit)
        {
            for (int a = u, b = u + unit - 1; a < b; a++, b--)
            {
                final byte t = buffer.getByte(a);
                buffer.putByte(a, buffer.getByte(b));
                buffer.putByte(b, t);
            }
        }
    }

    /**
     * @return US, SS, UL, SL, FL, FD values in decimal and AT values as (gggg,eeee), separated by backslashes; null
     *         for other VRs.
     */
    static String formatBinary(final int vr, final byte[] v)
    {
        final int unit = vr == ValueRepresentation.AT ? 4 : swapSize(vr);
        final boolean number = vr == ValueRepresentation.US || vr == ValueRepresentation.SS ||
            vr == ValueRepresentation.UL || vr == ValueRepresentation.SL || vr == ValueRepresentation.FL ||
            vr == ValueRepresentation.FD || vr == ValueRepresentation.AT;
        if (!number)
        {
            return null;
        }
        final StringBuilder out = new StringBuilder();
        for (int p = 0; p + unit <= v.length; p += unit)
        {
            if (p > 0)
            {
                out.append('\\');
            }
            final long bits = littleEndian(v, p, unit);
            if (vr == ValueRepresentation.US || vr == ValueRepresentation.UL)
            {
                out.append(bits);
            }
            else if (vr == ValueRepresentation.SS)
            {
                out.append((short)bits);
            }
            else if (vr == ValueRepresentation.SL)
            {
                out.append((int)bits);
            }
            else if (vr == ValueRepresentation.FL)
            {
                out.append(Float.intBitsToFloat((int)bits));
            }
            else if (vr == ValueRepresentation.FD)
            {
                out.append(Double.longBitsToDouble(bits));
            }
            else
            {
                out.append(String.format("(%04x,%04x)", bits & 0xFFFF, bits >>> 16));
            }
        }
        return out.toString();
    }

    private static long littleEndian(final byte[] v, final int p, final int unit)
    {
        long bits = 0;
        for (int k = unit - 1; k >= 0; k--)
        {
            bits = bits << 8 | (v[p + k] & 0xFF);
        }
        return bits;
    }

    static String hex(final byte[] value, final int max)
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length && i < max; i++)
        {
            if (i > 0)
            {
                out.append('\\');
            }
            out.append(String.format("%02x", value[i] & 0xFF));
        }
        return value.length > max ? out.append("...").toString() : out.toString();
    }

    /**
     * @param specificCharacterSet the value of (0008,0005), possibly multi-valued.
     * @return the charset of its first non-empty value when that is a single-byte or Unicode set without code
     *         extensions that Java knows; ISO-8859-1 otherwise.
     */
    static Charset charsetOf(final String specificCharacterSet)
    {
        final String[] terms = specificCharacterSet.split("\\\\");
        final String term = (terms.length == 0 ? "" : terms[0].trim().isEmpty() && terms.length > 1 ?
            terms[1] : terms[0]).trim().toUpperCase(Locale.ROOT);
        final String name;
        switch (term)
        {
            case "ISO_IR 192":
                return StandardCharsets.UTF_8;
            case "ISO_IR 101":
                name = "ISO-8859-2";
                break;
            case "ISO_IR 109":
                name = "ISO-8859-3";
                break;
            case "ISO_IR 110":
                name = "ISO-8859-4";
                break;
            case "ISO_IR 144":
                name = "ISO-8859-5";
                break;
            case "ISO_IR 127":
                name = "ISO-8859-6";
                break;
            case "ISO_IR 126":
                name = "ISO-8859-7";
                break;
            case "ISO_IR 138":
                name = "ISO-8859-8";
                break;
            case "ISO_IR 148":
                name = "ISO-8859-9";
                break;
            case "ISO_IR 203":
                name = "ISO-8859-15";
                break;
            case "ISO_IR 166":
                name = "TIS-620";
                break;
            case "GB18030":
                name = "GB18030";
                break;
            case "GBK":
                name = "GBK";
                break;
            default:
                return StandardCharsets.ISO_8859_1;
        }
        return Charset.isSupported(name) ? Charset.forName(name) : StandardCharsets.ISO_8859_1;
    }
}
