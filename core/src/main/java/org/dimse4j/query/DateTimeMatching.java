package org.dimse4j.query;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoField;

import org.dimse4j.data.ValueRepresentation;

/**
 * Range Matching of DA, TM and DT (PS3.4 C.2.2.2.5) and Single Value Matching of one date, time or date-time.
 * <p>
 * Every value is turned into an interval {@code [floor, ceil]} on one axis: days since the epoch for DA,
 * microseconds of the day for TM, microseconds since the epoch in UTC for DT. A partial value covers the whole
 * period it names: TM {@code 10} is 10:00:00.000000 to 10:59:59.999999, DT {@code 2020} the whole year, a fraction
 * with fewer than six digits the rest of its last digit. A key {@code a-b} is {@code [floor(a), ceil(b)]}, {@code -b}
 * and {@code a-} are open on one side, and a key without a hyphen is {@code [floor(a), ceil(a)]}, which for a value
 * of full precision is exact matching. A candidate value matches when its interval meets the key's: for a candidate
 * of full precision, when it lies inside. A key with {@code a > b} matches nothing: "Range Matching crossing midnight
 * is not supported" (C.2.2.2.5.2).
 * <p>
 * Accepted forms: DA {@code YYYYMMDD} (and the ACR-NEMA {@code YYYY.MM.DD}); TM {@code HH[MM[SS[.F{1,6}]]]} (and
 * {@code HH:MM:SS} with colons); DT {@code YYYY[MM[DD[HH[MM[SS[.F{1,6}]]]]]][&ZZXX]}. A DT without a UTC offset is
 * taken in the offset given by the caller (from Timezone Offset From UTC (0008,0201)); in a DT key, the hyphen of a
 * negative offset is told from the range hyphen by trying every split and keeping one whose two sides are valid and
 * ordered. Combined DA and TM matching (C.2.2.2.5.4, Extended Negotiation) is not done: DA and TM keys are matched
 * each on its own.
 */
final class DateTimeMatching
{
    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final int FRACTION_DIGITS = 6;

    private DateTimeMatching()
    {
    }

    /**
     * @param vr           DA, TM or DT.
     * @param key          the key value: a single value or a range.
     * @param value        one candidate value.
     * @param keyOffset    UTC offset in minutes of DT key values without their own.
     * @param valueOffset  UTC offset in minutes of DT candidate values without their own.
     * @return true if the candidate value lies in (meets) the key's range; false for an unparseable candidate.
     * @throws IllegalArgumentException if the key cannot be parsed.
     */
    static boolean matches(final int vr, final String key, final String value, final int keyOffset,
        final int valueOffset)
    {
        final long[] range = range(vr, key, keyOffset);
        final long[] v = interval(vr, value, valueOffset);
        return null != v && v[1] >= range[0] && v[0] <= range[1];
    }

    /**
     * @return {@code [low, high]} of a key, {@link Long#MIN_VALUE} / {@link Long#MAX_VALUE} for an open side; an
     *         empty range ({@code low > high}) when the bounds are reversed.
     * @throws IllegalArgumentException if the key cannot be parsed.
     */
    static long[] range(final int vr, final String key, final int offset)
    {
        long[] reversed = null;
        for (int dash = key.indexOf('-'); dash >= 0; dash = key.indexOf('-', dash + 1))
        {
            final String left = key.substring(0, dash).trim();
            final String right = key.substring(dash + 1).trim();
            final long[] low = left.isEmpty() ? new long[] {Long.MIN_VALUE, Long.MIN_VALUE} :
                interval(vr, left, offset);
            final long[] high = right.isEmpty() ? new long[] {Long.MAX_VALUE, Long.MAX_VALUE} :
                interval(vr, right, offset);
            if (null == low || null == high || (left.isEmpty() && right.isEmpty()))
            {
                continue;
            }
            final long[] range = {low[0], high[1]};
            if (range[0] <= range[1])
            {
                return range;
            }
            reversed = range;
        }
        final long[] single = interval(vr, key.trim(), offset);
        if (null != single)
        {
            return single;
        }
        if (null != reversed)
        {
            return reversed;
        }
        throw new IllegalArgumentException("Not a " + ValueRepresentation.name(vr) + " value or range: \"" + key +
            "\"");
    }

    /**
     * @return {@code [floor, ceil]} of one value, or null if it is not a valid value of the VR.
     */
    static long[] interval(final int vr, final String value, final int offset)
    {
        try
        {
            if (vr == ValueRepresentation.DA)
            {
                return date(value);
            }
            if (vr == ValueRepresentation.TM)
            {
                return time(value.replace(":", ""));
            }
            if (vr == ValueRepresentation.DT)
            {
                return dateTime(value, offset);
            }
        }
        catch (final DateTimeException | NumberFormatException ex)
        {
            return null;
        }
        throw new IllegalArgumentException("Range matching is defined for DA, TM and DT only, not " +
            ValueRepresentation.name(vr));
    }

    private static long[] date(final String value)
    {
        final String v = value.length() == 10 && value.charAt(4) == '.' && value.charAt(7) == '.' ?
            value.replace(".", "") : value;
        if (v.length() != 8 || !digits(v, 0, 8))
        {
            return null;
        }
        final long day = LocalDate.of(number(v, 0, 4), number(v, 4, 6), number(v, 6, 8)).toEpochDay();
        return new long[] {day, day};
    }

    private static long[] time(final String v)
    {
        final int dot = v.indexOf('.');
        final String whole = dot < 0 ? v : v.substring(0, dot);
        final int n = whole.length();
        if ((n != 2 && n != 4 && n != 6) || !digits(whole, 0, n) || (dot >= 0 && n != 6))
        {
            return null;
        }
        final int hour = number(whole, 0, 2);
        final int minute = n >= 4 ? number(whole, 2, 4) : 0;
        final int second = n == 6 ? number(whole, 4, 6) : 0;
        if (hour > 23 || minute > 59 || second > 60)
        {
            return null;
        }
        final long[] fraction = fraction(dot < 0 ? null : v.substring(dot + 1));
        if (null == fraction)
        {
            return null;
        }
        final long floor = ((hour * 60L + minute) * 60L + second) * MICROS_PER_SECOND + fraction[0];
        final long ceil;
        if (n == 2)
        {
            ceil = floor + 3600 * MICROS_PER_SECOND - 1;
        }
        else if (n == 4)
        {
            ceil = floor + 60 * MICROS_PER_SECOND - 1;
        }
        else
        {
            ceil = floor - fraction[0] + fraction[1];
        }
        return new long[] {floor, ceil};
    }

    /**
     * @return {floor, ceil} in microseconds of a fraction of 1 to 6 digits; {0, 999999} when absent; null if bad.
     */
    private static long[] fraction(final String digits)
    {
        if (null == digits)
        {
            return new long[] {0, MICROS_PER_SECOND - 1};
        }
        final int n = digits.length();
        if (n < 1 || n > FRACTION_DIGITS || !digits(digits, 0, n))
        {
            return null;
        }
        long scale = 1;
        for (int i = n; i < FRACTION_DIGITS; i++)
        {
            scale *= 10;
        }
        final long floor = Long.parseLong(digits) * scale;
        return new long[] {floor, floor + scale - 1};
    }

    private static long[] dateTime(final String value, final int defaultOffset)
    {
        String v = value;
        int offset = defaultOffset;
        final int sign = Math.max(v.indexOf('+', 4), v.indexOf('-', 4));
        if (sign >= 0)
        {
            final String z = v.substring(sign + 1);
            if (z.length() != 4 || !digits(z, 0, 4) || number(z, 2, 4) > 59)
            {
                return null;
            }
            offset = (number(z, 0, 2) * 60 + number(z, 2, 4)) * (v.charAt(sign) == '-' ? -1 : 1);
            v = v.substring(0, sign);
        }
        final int dot = v.indexOf('.');
        final String whole = dot < 0 ? v : v.substring(0, dot);
        final int n = whole.length();
        if (n < 4 || n > 14 || (n & 1) != 0 || !digits(whole, 0, n) || (dot >= 0 && n != 14))
        {
            return null;
        }
        final int year = number(whole, 0, 4);
        final int month = n >= 6 ? number(whole, 4, 6) : 0;
        final int day = n >= 8 ? number(whole, 6, 8) : 0;
        final LocalDateTime start = LocalDateTime.of(year, Math.max(1, month), Math.max(1, day),
            n >= 10 ? number(whole, 8, 10) : 0, n >= 12 ? number(whole, 10, 12) : 0,
            n >= 14 ? Math.min(59, number(whole, 12, 14)) : 0);
        final LocalDateTime end;
        if (n == 4)
        {
            end = start.plusYears(1);
        }
        else if (n == 6)
        {
            end = start.plusMonths(1);
        }
        else if (n == 8)
        {
            end = start.plusDays(1);
        }
        else if (n == 10)
        {
            end = start.plusHours(1);
        }
        else if (n == 12)
        {
            end = start.plusMinutes(1);
        }
        else
        {
            end = start.plusSeconds(1);
        }
        final long[] fraction = fraction(dot < 0 ? null : v.substring(dot + 1));
        if (null == fraction)
        {
            return null;
        }
        final long floor = micros(start, offset) + (n == 14 ? fraction[0] : 0);
        final long ceil = n == 14 ? micros(start, offset) + fraction[1] : micros(end, offset) - 1;
        return new long[] {floor, ceil};
    }

    private static long micros(final LocalDateTime t, final int offsetMinutes)
    {
        final long seconds = t.toEpochSecond(ZoneOffset.UTC) - offsetMinutes * 60L;
        return seconds * MICROS_PER_SECOND + t.get(ChronoField.MICRO_OF_SECOND);
    }

    private static boolean digits(final String s, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            final char c = s.charAt(i);
            if (c < '0' || c > '9')
            {
                return false;
            }
        }
        return true;
    }

    private static int number(final String s, final int from, final int to)
    {
        return Integer.parseInt(s.substring(from, to));
    }

    /**
     * Parses a Timezone Offset From UTC (0008,0201) value.
     *
     * @param value e.g. {@code +0100} or {@code -0500}; null or empty for none.
     * @return minutes east of UTC, or {@code fallback} when absent or malformed.
     */
    static int offsetMinutes(final String value, final int fallback)
    {
        if (null == value || value.length() != 5 || (value.charAt(0) != '+' && value.charAt(0) != '-') ||
            !digits(value, 1, 5))
        {
            return fallback;
        }
        final int minutes = number(value, 1, 3) * 60 + number(value, 3, 5);
        return value.charAt(0) == '-' ? -minutes : minutes;
    }
}
