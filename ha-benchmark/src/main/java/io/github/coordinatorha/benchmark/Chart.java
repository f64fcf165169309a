package io.github.coordinatorha.benchmark;

import java.util.List;
import java.util.Locale;

/**
 * A strip chart of latency distributions, as SVG, one row per measurement, on a log
 * scale: each sample a dot, the median a bar.
 */
final class Chart {

	private static final int WIDTH = 1100;

	private static final int LEFT = 400;

	private static final int ROW = 34;

	private Chart() {
	}

	static String svg(String title, List<Samples> rows) {
		double min = rows.stream()
			.flatMap((row) -> row.values().stream())
			.mapToDouble(Double::doubleValue)
			.filter((v) -> v > 0)
			.min()
			.orElse(1);
		double max = rows.stream()
			.flatMap((row) -> row.values().stream())
			.mapToDouble(Double::doubleValue)
			.max()
			.orElse(10);
		double low = Math.floor(Math.log10(Math.max(0.1, min)));
		double high = Math.ceil(Math.log10(Math.max(max, 1)));
		if (high <= low) {
			high = low + 1;
		}
		int height = 60 + rows.size() * ROW + 40;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
				WIDTH, height));
		svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
		svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"15\">%s</text>%n", title));
		int plotWidth = WIDTH - LEFT - 30;
		for (double decade = low; decade <= high; decade++) {
			double x = LEFT + (decade - low) / (high - low) * plotWidth;
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%.1f\" y1=\"40\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s ms</text>%n",
					x, x, height - 30, x, height - 12, label(Math.pow(10, decade))));
		}
		int y = 60;
		for (Samples row : rows) {
			svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s (n=%d)</text>%n", y + 4, row.name,
					row.count()));
			for (double value : row.values()) {
				double x = LEFT + (Math.log10(Math.max(value, Math.pow(10, low))) - low) / (high - low) * plotWidth;
				svg.append(String.format(Locale.ROOT,
						"<circle cx=\"%.1f\" cy=\"%d\" r=\"3\" fill=\"%s\" fill-opacity=\"0.45\"/>%n", x, y,
						color(row.name)));
			}
			double median = row.median();
			if (!Double.isNaN(median)) {
				double x = LEFT + (Math.log10(Math.max(median, Math.pow(10, low))) - low) / (high - low) * plotWidth;
				svg.append(String.format(Locale.ROOT,
						"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>%n", x,
						y - 10, x, y + 10));
			}
			y += ROW;
		}
		svg.append("</svg>\n");
		return svg.toString();
	}

	private static String color(String name) {
		if (name.startsWith("etcdctl")) {
			return "#d95f02";
		}
		return name.startsWith("Spring Integration") ? "#7570b3" : "#1b9e77";
	}

	private static String label(double millis) {
		return (millis >= 1) ? String.format(Locale.ROOT, "%.0f", millis) : String.format(Locale.ROOT, "%.1f", millis);
	}

}
