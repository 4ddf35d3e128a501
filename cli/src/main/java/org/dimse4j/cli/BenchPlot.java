package org.dimse4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code bench plot A.hgrm B.hgrm ... -o OUT.svg|OUT.html}: lays percentile distributions (HdrHistogram's
 * {@code outputPercentileDistribution} format, as {@code bench --out} writes them) over one another, on a
 * logarithmic percentile axis as HdrHistogram's plotter draws them. The output is self-contained: plain SVG, or an
 * HTML page holding the SVG and a table of percentiles; no script.
 */
@Command(name = "plot", mixinStandardHelpOptions = true,
    description = {"Overlays latency distributions (.hgrm files) on a log-scale percentile axis: a self-contained " +
        "SVG, or an HTML page with the SVG and a percentile table (by the output's extension).",
        "Values are read in the unit bench writes them: microseconds."})
final class BenchPlot implements Callable<Integer>
{
    private static final String[] COLORS =
    {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
    };
    private static final java.util.regex.Pattern TOTAL_COUNT =
        java.util.regex.Pattern.compile("Total count\\s*=\\s*(\\d+)");
    private static final int WIDTH = 960;
    private static final int HEIGHT = 540;
    private static final int LEFT = 80;
    private static final int RIGHT = 300;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    @Parameters(arity = "1..*", paramLabel = "[LABEL=]FILE.hgrm", description = "Percentile distributions to overlay.")
    List<String> inputs;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
        description = "The plot: .svg, or .html (SVG and a table).")
    Path output;

    @Option(names = {"--title"}, paramLabel = "TEXT", description = "Title (default: ${DEFAULT-VALUE}).")
    String title = "Latency by percentile";

    /**
     * One distribution.
     *
     * @param name        its label.
     * @param values      latency at each point, microseconds.
     * @param percentiles the points' percentiles, 0..1, ascending.
     * @param count       total count, from the footer (or -1).
     */
    record Series(String name, double[] values, double[] percentiles, long count)
    {
        /** @param percentile 0..1. @return the latency at it. */
        double valueAt(final double percentile)
        {
            for (int i = 0; i < percentiles.length; i++)
            {
                if (percentiles[i] >= percentile)
                {
                    return values[i];
                }
            }
            return values.length == 0 ? 0 : values[values.length - 1];
        }

        double max()
        {
            return values.length == 0 ? 0 : values[values.length - 1];
        }
    }

    @Override
    public Integer call() throws Exception
    {
        final List<Series> series = new ArrayList<>();
        for (final String input : inputs)
        {
            final int eq = input.indexOf('=');
            final Path file = Path.of(eq < 0 ? input : input.substring(eq + 1));
            String name = eq < 0 ? file.getFileName().toString() : input.substring(0, eq);
            if (eq < 0 && name.endsWith(".hgrm"))
            {
                name = name.substring(0, name.length() - 5);
            }
            series.add(parse(name, file));
        }
        write(output, title, series);
        System.out.println("wrote " + output + " (" + series.size() + " series)");
        return 0;
    }

    /**
     * Reads a percentile distribution: lines of value, percentile, total count, 1/(1-percentile); '#' lines and the
     * header are skipped; the footer's "Total count" is kept.
     *
     * @param name label.
     * @param file the .hgrm file.
     * @return the series.
     * @throws IOException if it cannot be read or holds no point.
     */
    static Series parse(final String name, final Path file) throws IOException
    {
        final List<double[]> points = new ArrayList<>();
        long count = -1;
        for (final String raw : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            final String line = raw.trim();
            if (line.startsWith("#"))
            {
                final java.util.regex.Matcher total = TOTAL_COUNT.matcher(line);
                if (total.find())
                {
                    count = Long.parseLong(total.group(1));
                }
                continue;
            }
            final String[] fields = line.split("\\s+");
            if (fields.length < 3)
            {
                continue;
            }
            try
            {
                final double value = Double.parseDouble(fields[0]);
                final double percentile = Double.parseDouble(fields[1]);
                if (percentile >= 0 && percentile <= 1)
                {
                    points.add(new double[] {value, percentile});
                }
            }
            catch (final NumberFormatException header)
            {
                // the column titles
            }
        }
        if (points.isEmpty())
        {
            throw new IOException(file + ": no percentile distribution (expected HdrHistogram .hgrm lines)");
        }
        final double[] values = new double[points.size()];
        final double[] percentiles = new double[points.size()];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = points.get(i)[0];
            percentiles[i] = points.get(i)[1];
        }
        return new Series(name, values, percentiles, count);
    }

    /**
     * Writes the plot, SVG or HTML by the file's extension.
     *
     * @param file   .svg or .html.
     * @param title  its title.
     * @param series the distributions.
     * @throws IOException if it cannot be written.
     */
    static void write(final Path file, final String title, final List<Series> series) throws IOException
    {
        final String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        final String text;
        if (name.endsWith(".svg"))
        {
            text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg(title, series);
        }
        else if (name.endsWith(".html") || name.endsWith(".htm"))
        {
            text = html(title, series);
        }
        else
        {
            throw new IllegalArgumentException("plot file must end in .svg or .html: " + file);
        }
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** @return x position, 0..1 of the axis, of a percentile on the log axis of 1/(1-p) up to 10^decades. */
    private static double x(final double percentile, final int decades)
    {
        final double nines = percentile >= 1 ? decades : Math.min(decades, Math.log10(1 / (1 - percentile)));
        return nines / decades;
    }

    static String svg(final String title, final List<Series> series)
    {
        int decades = 2;
        double top = 0;
        for (final Series s : series)
        {
            top = Math.max(top, s.max());
            for (final double p : s.percentiles())
            {
                if (p < 1)
                {
                    decades = Math.max(decades, (int)Math.ceil(Math.log10(1 / (1 - p)) - 1e-9));
                }
            }
        }
        decades = Math.min(decades, 7);
        final double yMax = niceCeiling(top);
        final int plotWidth = WIDTH - LEFT - RIGHT;
        final int plotHeight = HEIGHT - TOP - BOTTOM;
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" " +
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        out.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"28\" font-size=\"16\">%s</text>%n", LEFT,
            escape(title)));
        for (int d = 0; d <= decades; d++)
        {
            final double px = LEFT + plotWidth * (double)d / decades;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                px, TOP, px, TOP + plotHeight));
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px,
                TOP + plotHeight + 18, percentileLabel(d)));
        }
        for (int t = 0; t <= 5; t++)
        {
            final double value = yMax * t / 5;
            final double py = TOP + plotHeight - plotHeight * (double)t / 5;
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                LEFT, py, LEFT + plotWidth, py));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6,
                py + 4, number(value)));
        }
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
            LEFT + plotWidth / 2, HEIGHT - 15));
        out.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" " +
            "transform=\"rotate(-90 18 %d)\">latency (us)</text>%n", TOP + plotHeight / 2, TOP + plotHeight / 2));
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" " +
            "stroke=\"#888\"/>%n", LEFT, TOP, plotWidth, plotHeight));
        for (int i = 0; i < series.size(); i++)
        {
            final Series s = series.get(i);
            final String color = COLORS[i % COLORS.length];
            final StringBuilder points = new StringBuilder();
            for (int j = 0; j < s.values().length; j++)
            {
                final double px = LEFT + plotWidth * x(s.percentiles()[j], decades);
                final double py = TOP + plotHeight - plotHeight * Math.min(1, s.values()[j] / yMax);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            out.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-name=\"%s\" fill=\"none\" " +
                "stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", escape(s.name()), color, points.toString().trim()));
            final int ly = TOP + 10 + i * 44;
            final int lx = WIDTH - RIGHT + 20;
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" " +
                "stroke-width=\"3\"/>%n", lx, ly, lx + 24, ly, color));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", lx + 30, ly + 4,
                escape(s.name())));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555\">" +
                "p50 %s  p99 %s  p99.9 %s  max %s us</text>%n", lx + 30, ly + 20, number(s.valueAt(0.5)),
                number(s.valueAt(0.99)), number(s.valueAt(0.999)), number(s.max())));
        }
        out.append("</svg>\n");
        return out.toString();
    }

    static String html(final String title, final List<Series> series)
    {
        final StringBuilder out = new StringBuilder();
        out.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(title))
            .append("</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}" +
                "td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th:first-child,td:first-child" +
                "{text-align:left}</style></head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");
        out.append(svg(title, series));
        out.append("<table>\n<tr><th>run</th><th>count</th><th>p50 (us)</th><th>p90</th><th>p99</th><th>p99.9</th>" +
            "<th>p99.99</th><th>max</th></tr>\n");
        for (final Series s : series)
        {
            out.append("<tr><td>").append(escape(s.name())).append("</td><td>")
                .append(s.count() < 0 ? "" : Long.toString(s.count())).append("</td>");
            for (final double p : new double[] {0.5, 0.9, 0.99, 0.999, 0.9999})
            {
                out.append("<td>").append(number(s.valueAt(p))).append("</td>");
            }
            out.append("<td>").append(number(s.max())).append("</td></tr>\n");
        }
        out.append("</table>\n<p>Latency by percentile on a logarithmic axis of 1/(1-percentile), as HdrHistogram's " +
            "plotter draws it; made by dimse4j bench.</p>\n</body></html>\n");
        return out.toString();
    }

    /** @return the label of 1/(1-p) = 10^decades: 0%, 90%, 99%, 99.9%, ... */
    private static String percentileLabel(final int decades)
    {
        if (decades == 0)
        {
            return "0%";
        }
        if (decades == 1)
        {
            return "90%";
        }
        return "99" + (decades > 2 ? "." + "9".repeat(decades - 2) : "") + "%";
    }

    private static double niceCeiling(final double value)
    {
        if (value <= 0)
        {
            return 1;
        }
        final double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (final double step : new double[] {1, 2, 2.5, 5, 10})
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String number(final double value)
    {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
