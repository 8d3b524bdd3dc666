// `orrery-cli bench map`: frame times of the map's raster splatter at 1M and 2M points, against a
// plain QPainter::drawPoints render of the same points in the same process, and the overlays' cost:
// frames without overlays, with cluster labels (two levels, placed with leaders), with density
// contours and with both, on the same views, and the contours' own (asynchronous) computation. Needs
// only QImage and fonts; main.cpp gives this verb a QGuiApplication on the offscreen platform.
// Dispatched from bench.cpp.
#include "common.h"

#include "base/clustering.h"
#include "base/workerpool.h"
#include "render/clusterlabels.h"
#include "render/colormap.h"
#include "render/contours.h"
#include "render/maprenderer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFont>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <random>

#include <time.h>

namespace orrery::cli {

namespace {

using ui::DensityMode;

constexpr int clusters = 8;

// Eight Gaussian clusters of different spreads, with a thin uniform haze: about what t-SNE or UMAP
// gives for tagged songs. Category = cluster; the haze has none.
void makePoints(qint64 n, quint32 seed, std::vector<double> &xy, std::vector<quint16> &colour)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> uniform(-16.0, 16.0);
    xy.resize(size_t(2 * n));
    colour.resize(size_t(n));
    for (qint64 i = 0; i < n; ++i) {
        if (i % 20 == 19) {
            xy[size_t(2 * i)] = uniform(rng);
            xy[size_t(2 * i + 1)] = uniform(rng);
            colour[size_t(i)] = 0;
            continue;
        }
        const int k = int(i % clusters);
        const double angle = 2 * M_PI * k / clusters, spread = 0.8 + 0.25 * k;
        xy[size_t(2 * i)] = 9 * std::cos(angle) + spread * normal(rng);
        xy[size_t(2 * i + 1)] = 9 * std::sin(angle) + spread * 0.7 * normal(rng);
        colour[size_t(i)] = quint16(k + 1);
    }
}

// Two levels over makePoints' clusters: each cluster (coarse, ids 100 + k) split into four fine
// ones by the quadrant around its centre (ids 4k + q); the haze is noise.
orrery::Clustering makeClustering(const std::vector<double> &xy, const std::vector<quint16> &colour)
{
    orrery::Clustering c;
    c.name = QStringLiteral("bench");
    c.method = QStringLiteral("kmeans");
    static const char *const quadrants[] = {"north-east", "north-west", "south-west", "south-east"};
    for (int k = 0; k < clusters; ++k) {
        c.clusters.append({100 + k, 1, -1, 0, QStringLiteral("region %1 of the map").arg(k + 1), {}});
        for (int q = 0; q < 4; ++q)
            c.clusters.append({4 * k + q,
                               0,
                               100 + k,
                               0,
                               QStringLiteral("%1 %2").arg(k + 1).arg(QLatin1StringView(quadrants[q])),
                               {}});
    }
    c.assignment.assign(colour.size(), -1);
    for (size_t i = 0; i < colour.size(); ++i) {
        if (colour[i] == 0)
            continue;
        const int k = colour[i] - 1;
        const double angle = 2 * M_PI * k / clusters;
        const bool east = xy[2 * i] >= 9 * std::cos(angle), north = xy[2 * i + 1] >= 9 * std::sin(angle);
        c.assignment[i] = 4 * k + (north ? (east ? 0 : 1) : (east ? 3 : 2));
    }
    return c;
}

// Process CPU time (all threads), to tell the work from waiting on a machine shared with others.
double cpuMs()
{
    timespec t {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Wall-clock median, p95 and mean of the frames, and the median CPU time they used.
QJsonObject summarise(std::vector<double> ms, std::vector<double> cpu)
{
    if (ms.empty())
        return {};
    const auto round2 = [](double v) { return std::round(v * 100) / 100; };
    double mean = 0;
    for (const double v : ms)
        mean += v / double(ms.size());
    const double med = median(ms);
    std::sort(ms.begin(), ms.end());
    const double p95 = ms[std::min(ms.size() - 1, size_t(std::ceil(0.95 * double(ms.size()))) - 1)];
    return {{QStringLiteral("median_ms"), round2(med)},
            {QStringLiteral("p95_ms"), round2(p95)},
            {QStringLiteral("mean_ms"), round2(mean)},
            {QStringLiteral("cpu_median_ms"), round2(median(std::move(cpu)))}};
}

// The view of frame i: the fitted view, zoomed by up to 6 % and moved a little, so consecutive
// frames differ (as during a drag or a wheel zoom).
ui::MapView frameView(const ui::MapView &fit, int i)
{
    ui::MapView v = fit;
    v.scale *= 1.0 + 0.01 * (i % 7);
    v.centre += QPointF(0.05 * (i % 5), -0.04 * (i % 3));
    return v;
}

QJsonArray loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    QJsonArray a;
    if (f.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> parts = f.readAll().split(' ');
        for (int i = 0; i < 3 && i < parts.size(); ++i)
            a.append(parts[i].toDouble());
    }
    return a;
}

} // namespace

int benchMap(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("map"), QStringLiteral("The benchmark."));
    parser.addOption({QStringLiteral("points"),
                      QStringLiteral("Point counts, comma-separated (default 1000000,2000000)."), QStringLiteral("N,…"),
                      QStringLiteral("1000000,2000000")});
    parser.addOption({QStringLiteral("frames"), QStringLiteral("Frames per mode (default 60)."), QStringLiteral("F"),
                      QStringLiteral("60")});
    parser.addOption({QStringLiteral("size"), QStringLiteral("Frame size in pixels (default 1280x800)."),
                      QStringLiteral("WxH"), QStringLiteral("1280x800")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Render threads (default: one per core)."),
                      QStringLiteral("T"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Seed of the synthetic layout (default 1)."),
                      QStringLiteral("S"), QStringLiteral("1")});
    if (const int rc = parseVerb(parser, args, 1,
                                 QStringLiteral("Times map frames (median and p95) at each point count and prints "
                                                "one JSON line per count: the map's splatter in each mode, and "
                                                "QPainter::drawPoints on the same points."));
        rc >= 0)
        return rc;
    const QStringList sizeParts = parser.value(QStringLiteral("size")).split(u'x');
    const int width = sizeParts.value(0).toInt(), height = sizeParts.value(1).toInt();
    const int frames = parser.value(QStringLiteral("frames")).toInt();
    const int threads = resolveThreads(parser.value(QStringLiteral("threads")).toInt());
    if (width <= 0 || height <= 0 || frames <= 0) {
        err(QStringLiteral("orrery-cli bench map: expected --size WxH and --frames > 0\n"));
        return Usage;
    }
    std::vector<qint64> counts;
    for (const QString &c : parser.value(QStringLiteral("points")).split(u',')) {
        bool ok = false;
        const qint64 n = c.toLongLong(&ok);
        if (!ok || n <= 0) {
            err(QStringLiteral("orrery-cli bench map: --points: '%1' is not a positive count\n").arg(c));
            return Usage;
        }
        counts.push_back(n);
    }

    std::vector<QRgb> palette {ui::noneColour};
    for (int k = 0; k < clusters; ++k)
        palette.push_back(ui::categoricalColour(k));
    ui::MapRenderer renderer(threads);
    for (const qint64 n : counts) {
        const QJsonArray loadBefore = loadAverage();
        std::vector<double> xy;
        auto colours = std::make_shared<std::vector<quint16>>();
        makePoints(n, parser.value(QStringLiteral("seed")).toUInt(), xy, *colours);

        QElapsedTimer clock;
        clock.start();
        auto points = std::make_shared<const ui::MapPoints>(xy);
        const double prepareMs = double(clock.nsecsElapsed()) / 1e6;
        const ui::RenderInput input {points, colours, nullptr};

        ui::RenderParams params;
        const QRectF b = points->bounds();
        params.view = ui::MapView {b.center(), std::min(width * 0.92 / b.width(), height * 0.92 / b.height()),
                                   QSizeF(width, height)};
        params.palette = palette;
        params.colouredDensity = true;
        params.background = qRgb(30, 30, 34);

        clock.restart();
        renderer.render(input, params); // sorts the colours into grid order once per layout
        const double attributesMs = double(clock.nsecsElapsed()) / 1e6;

        const ui::MapView fit = params.view;
        const auto timeMode = [&](double pointSize, DensityMode mode, bool *usedDensity) {
            params.pointSize = pointSize;
            params.density = mode;
            std::vector<double> ms, cpu;
            for (int i = 0; i < frames; ++i) {
                params.view = frameView(fit, i);
                ui::FrameInfo info;
                const double cpu0 = cpuMs();
                clock.restart();
                const QImage image = renderer.render(input, params, &info);
                ms.push_back(double(clock.nsecsElapsed()) / 1e6);
                cpu.push_back(cpuMs() - cpu0);
                if (usedDensity)
                    *usedDensity = info.density;
            }
            return summarise(ms, cpu);
        };
        const double defaultSize = ui::defaultPointSize(n);
        QJsonObject orrery;
        bool autoDensity = false;
        QJsonObject autoJson = timeMode(defaultSize, DensityMode::Auto, &autoDensity);
        autoJson.insert(QStringLiteral("density"), autoDensity);
        autoJson.insert(QStringLiteral("point_size"), std::round(defaultSize * 100) / 100);
        orrery.insert(QStringLiteral("auto"), autoJson);
        QJsonObject discs = timeMode(defaultSize, DensityMode::Off, nullptr);
        discs.insert(QStringLiteral("point_size"), std::round(defaultSize * 100) / 100);
        orrery.insert(QStringLiteral("points"), discs);
        orrery.insert(QStringLiteral("points_1px"), timeMode(1.0, DensityMode::Off, nullptr));
        QJsonObject disc3 = timeMode(3.0, DensityMode::Off, nullptr);
        disc3.insert(QStringLiteral("point_size"), 3);
        orrery.insert(QStringLiteral("points_3px"), disc3);
        orrery.insert(QStringLiteral("density"), timeMode(defaultSize, DensityMode::On, nullptr));

        // The reference: transform every point and draw each colour's points with one drawPoints
        // call into a QImage, 1 px pens with the same opacity (the raster engine's fastest path).
        std::vector<std::vector<qint64>> byColour(palette.size());
        for (qint64 i = 0; i < n; ++i)
            byColour[(*colours)[size_t(i)]].push_back(i);
        std::vector<QPointF> batch;
        const auto referenceFrame = [&](const ui::MapView &v, double penWidth) {
            QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
            image.fill(params.background);
            QPainter painter(&image);
            for (size_t c = 0; c < palette.size(); ++c) {
                batch.clear();
                for (const qint64 i : byColour[c])
                    batch.push_back(v.toScreen(QPointF(xy[size_t(2 * i)], xy[size_t(2 * i + 1)])));
                QColor colour = QColor::fromRgb(palette[c]);
                colour.setAlphaF(0.8f);
                QPen pen(colour, penWidth);
                if (penWidth > 1) {
                    pen.setCapStyle(Qt::RoundCap);
                    painter.setRenderHint(QPainter::Antialiasing, true);
                }
                painter.setPen(pen);
                painter.drawPoints(batch.data(), int(batch.size()));
            }
            return image;
        };
        const auto timeReference = [&](double penWidth, int count) {
            std::vector<double> ms, cpu;
            for (int i = 0; i < count; ++i) {
                const double cpu0 = cpuMs();
                clock.restart();
                referenceFrame(frameView(fit, i), penWidth);
                ms.push_back(double(clock.nsecsElapsed()) / 1e6);
                cpu.push_back(cpuMs() - cpu0);
            }
            return summarise(ms, cpu);
        };
        // Overlays on the auto frames, each mode over the same views: the fitted zoom, 3x and 10x
        // on a cluster, each while panning 15 px a frame. Contours are what the map does: computed
        // (in the map off the GUI thread, here outside the frame's clock) over a wider area only
        // when the view leaves it or the zoom changes by half, and each frame draws the cached
        // lines moved to its view. Labels are laid out and painted every frame (sprites cached).
        QJsonObject overlays;
        if (qobject_cast<QGuiApplication *>(QCoreApplication::instance())) {
            const orrery::Clustering clustering = makeClustering(xy, *colours);
            clock.restart();
            const ui::ClusterAnchors anchors(clustering.clusters, clustering.assignment, *points);
            const double anchorsMs = double(clock.nsecsElapsed()) / 1e6;
            const QFont font;
            params.pointSize = defaultSize;
            params.density = DensityMode::Auto;
            std::vector<ui::MapView> views;
            const double zooms[] = {1, 3, 10};
            const int perZoom = std::max(2, frames / 3);
            for (const double z : zooms)
                for (int j = 0; j < perZoom; ++j) {
                    ui::MapView v = fit;
                    v.scale *= z;
                    if (z > 1)
                        v.centre = QPointF(9, 0.3);
                    v.centre += QPointF(15.0 * j / v.scale, -4.0 * j / v.scale);
                    views.push_back(v);
                }
            const QRectF area(QPointF(0, 0), QSizeF(width, height));
            const QRectF legend(width - 200, 0, 200, 160);
            const QColor background = QColor::fromRgb(params.background);
            ui::LabelSprites sprites;
            std::vector<double> asyncMs, labelCount, leaders;
            // The four modes take turns on each view, so a change in the machine's load between
            // them (it is shared) lands on all four alike.
            struct Mode {
                bool contours = false, labels = false;
                std::shared_ptr<const ui::ContourSet> set;
                std::vector<double> ms, cpu;
            };
            Mode modes[4] = {{false, false, {}, {}, {}},
                             {true, false, {}, {}, {}},
                             {false, true, {}, {}, {}},
                             {true, true, {}, {}, {}}};
            for (const ui::MapView &v : views) {
                params.view = v;
                for (Mode &mode : modes) {
                    if (mode.contours && (!mode.set || !ui::contoursServe(*mode.set, v))) {
                        mode.set = std::make_shared<const ui::ContourSet>(
                            ui::computeContours(*points, ui::contourArea(v)));
                        if (!mode.labels)
                            asyncMs.push_back(mode.set->milliseconds);
                    }
                    const double cpu0 = cpuMs();
                    QElapsedTimer total;
                    total.start();
                    QImage image = renderer.render(input, params);
                    QPainter painter(&image);
                    if (mode.contours)
                        ui::paintContours(painter, *mode.set, v, Qt::white, background);
                    if (mode.labels) {
                        const std::vector<ui::ClusterLabel> labels = ui::layoutClusterLabels(
                            anchors, v, font, area.adjusted(2, 2, -2, -2), {legend});
                        for (const ui::ClusterLabel &l : labels)
                            ui::paintClusterLabel(painter, l, Qt::white, background, &sprites);
                        if (!mode.contours) {
                            labelCount.push_back(double(labels.size()));
                            leaders.push_back(
                                double(std::count_if(labels.begin(), labels.end(),
                                                     [](const ui::ClusterLabel &l) { return l.place.leader; })));
                        }
                    }
                    painter.end();
                    mode.ms.push_back(double(total.nsecsElapsed()) / 1e6);
                    mode.cpu.push_back(cpuMs() - cpu0);
                }
            }
            const auto report = [&](const Mode &mode) {
                QJsonObject o = summarise(mode.ms, mode.cpu);
                QJsonObject byZoom;
                for (size_t z = 0; z < std::size(zooms); ++z) {
                    const auto from = mode.ms.begin() + qsizetype(z) * perZoom;
                    byZoom.insert(QString::number(zooms[z]),
                                  std::round(median(std::vector<double>(from, from + perZoom)) * 100) / 100);
                }
                o.insert(QStringLiteral("median_ms_by_zoom"), byZoom);
                return o;
            };
            const QJsonObject none = report(modes[0]);
            const QJsonObject contoursOnly = report(modes[1]);
            const size_t computedAlone = asyncMs.size();
            const QJsonObject labelsOnly = report(modes[2]);
            const QJsonObject both = report(modes[3]);
            // The old way, for comparison: contours computed inside every frame.
            std::vector<double> inFrame;
            for (size_t k = 0; k < views.size(); k += 3)
                inFrame.push_back(ui::computeContours(*points, views[k]).milliseconds);
            const double without = none.value(QStringLiteral("median_ms")).toDouble();
            const double withBoth = both.value(QStringLiteral("median_ms")).toDouble();
            const auto round2 = [](double v) { return std::round(v * 100) / 100; };
            overlays = {
                {QStringLiteral("views"), qint64(views.size())},
                {QStringLiteral("zooms"), QJsonArray {1, 3, 10}},
                {QStringLiteral("pan_px_per_frame"), 15},
                {QStringLiteral("anchors_ms"), std::round(anchorsMs * 10) / 10},
                {QStringLiteral("frame_without"), none},
                {QStringLiteral("frame_with_contours"), contoursOnly},
                {QStringLiteral("frame_with_labels"), labelsOnly},
                {QStringLiteral("frame_with_labels_and_contours"), both},
                {QStringLiteral("contour_async"),
                 QJsonObject {{QStringLiteral("computations"), qint64(computedAlone)},
                              {QStringLiteral("median_ms"), round2(median(asyncMs))},
                              {QStringLiteral("max_ms"),
                               round2(asyncMs.empty() ? 0 : *std::max_element(asyncMs.begin(), asyncMs.end()))},
                              {QStringLiteral("per_frame_before_ms"), round2(median(inFrame))}}},
                {QStringLiteral("labels_median_count"), median(labelCount)},
                {QStringLiteral("leaders_median_count"), median(leaders)},
                {QStringLiteral("overhead_ms"), round2(withBoth - without)},
                // "At or under the map's frame time" within noise: 10 % or 2 ms, whichever is more
                // (frames on this shared machine swing by more than that from run to run).
                {QStringLiteral("budget_rule"), QStringLiteral("both <= without + max(10 %, 2 ms); contours < 100 ms")},
                {QStringLiteral("within_budget"),
                 withBoth <= without + std::max(0.1 * without, 2.0)
                     && contoursOnly.value(QStringLiteral("median_ms")).toDouble() < 100},
            };
        }

        QJsonObject reference;
        reference.insert(QStringLiteral("points_1px"), timeReference(1.0, frames));
        QJsonObject wide = timeReference(3.0, std::max(3, frames / 10));
        wide.insert(QStringLiteral("point_size"), 3);
        reference.insert(QStringLiteral("points_3px_antialiased"), wide);

        const double ours
            = orrery.value(QStringLiteral("points_1px")).toObject().value(QStringLiteral("median_ms")).toDouble();
        const double theirs
            = reference.value(QStringLiteral("points_1px")).toObject().value(QStringLiteral("median_ms")).toDouble();
        const QJsonObject o {
            {QStringLiteral("bench"), QStringLiteral("map")},
            {QStringLiteral("points"), n},
            {QStringLiteral("size"), QStringLiteral("%1x%2").arg(width).arg(height)},
            {QStringLiteral("threads"), threads},
            {QStringLiteral("frames"), frames},
            {QStringLiteral("prepare_ms"), std::round(prepareMs * 10) / 10},
            {QStringLiteral("attributes_ms"), std::round(attributesMs * 10) / 10},
            {QStringLiteral("orrery"), orrery},
            {QStringLiteral("qpainter"), reference},
            {QStringLiteral("overlays"), overlays},
            {QStringLiteral("speedup_1px_median"), std::round(theirs / std::max(1e-9, ours) * 10) / 10},
            {QStringLiteral("load_before"), loadBefore},
            {QStringLiteral("load_after"), loadAverage()}};
        out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + u'\n');
    }
    return Ok;
}

} // namespace orrery::cli
