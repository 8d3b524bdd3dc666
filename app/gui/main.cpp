#include "chartsdock.h"
#include "comparepage.h"
#include "jobrunner.h"
#include "mainwindow.h"
#include "mappage.h"
#include "projectsession.h"
#include "recommenddock.h"
#include "recommendpanel.h"
#include "scatterview.h"
#include "settings.h"

#include "base/error.h"
#include "store/attributes.h"
#include "store/clusterings.h"
#include "store/colouring.h"
#include "store/layouts.h"
#include "store/project.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QEventLoop>
#include <QFileInfo>
#include <QIcon>
#include <QMessageBox>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>
#include <cstdio>

namespace {

void complain(const QString &message)
{
    std::fprintf(stderr, "orrery: %s\n", qPrintable(message));
}

bool parseSize(const QString &text, QSize *size)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{2,5})[xX](\\d{2,5})$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return false;
    *size = QSize(match.captured(1).toInt(), match.captured(2).toInt());
    return size->width() >= 320 && size->height() >= 240;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Orrery"));
    QApplication::setApplicationName(QStringLiteral("Orrery"));
    QApplication::setApplicationDisplayName(QStringLiteral("Orrery"));
    QApplication::setDesktopFileName(QStringLiteral("org.orrery.Orrery"));
#ifdef ORRERY_VERSION
    QApplication::setApplicationVersion(QStringLiteral(ORRERY_VERSION));
#endif
    // Renders only when the Qt SVG plugins are installed; the window works without them.
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/orrery/orrery.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Native explorer for embeddings and playlists."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"),
                                 QStringLiteral("The project file to open (*.orrery); other files and folders are "
                                                "imported into it, or into the last project."),
                                 QStringLiteral("[PROJECT] [FILES…]"));
    const QCommandLineOption sampleOption(QStringLiteral("sample"),
                                          QStringLiteral("Open the sample project (created when missing)."));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Render the window to a PNG file and exit."),
                                              QStringLiteral("FILE"));
    const QCommandLineOption sizeOption(QStringLiteral("size"), QStringLiteral("Window size (default 1280x800)."),
                                        QStringLiteral("WxH"));
    const QCommandLineOption projectOption(QStringLiteral("project"),
                                           QStringLiteral("The project file to open (as the positional argument)."),
                                           QStringLiteral("P"));
    const QCommandLineOption selectOption(
        QStringLiteral("select"), QStringLiteral("Select the item with this source key and show it in the inspector."),
        QStringLiteral("KEY"));
    const QCommandLineOption waitOption(
        QStringLiteral("wait"),
        QStringLiteral("With --screenshot: wait up to this many seconds for maps and indexes being computed "
                       "(default 120)."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption recommendOption(
        QStringLiteral("recommend"),
        QStringLiteral("With --select: seed the Recommendations panel from the selected song or playlist."));
    const QCommandLineOption colourOption(
        QStringLiteral("colour-by"),
        QStringLiteral("Colour the map by none, label, dataset, kind, length, popularity or clusters (the "
                       "clustering of the layout shown, with its labels)."),
        QStringLiteral("WHAT"));
    const QCommandLineOption compareOption(QStringLiteral("compare"),
                                           QStringLiteral("Open the Compare tab with these two stored layouts."),
                                           QStringLiteral("LAYOUT_A,LAYOUT_B"));
    const QCommandLineOption compareColourOption(
        QStringLiteral("compare-colour"),
        QStringLiteral("With --compare: colour both maps by clusters (the newest clustering of the left layout's "
                       "set), set-agreement, map-agreement or none."),
        QStringLiteral("WHAT"));
    const QCommandLineOption chartOption(
        QStringLiteral("chart"),
        QStringLiteral("Show the Charts dock with one chart of tag, label, dataset, length, popularity, cluster (the "
                       "clustering shown) or json:FIELD."),
        QStringLiteral("ATTRIBUTE"));
    parser.addOptions({sampleOption, projectOption, selectOption, recommendOption, screenshotOption, sizeOption,
                       waitOption, colourOption, compareOption, compareColourOption, chartOption});
    parser.process(app);

    // A project, or files to import (the desktop entry passes playlists opened with Orrery).
    QStringList positional;
    QStringList imports;
    for (const QString &arg : parser.positionalArguments()) {
        if (QFileInfo(arg).suffix() == u"orrery" || !QFileInfo::exists(arg))
            positional.append(arg);
        else
            imports.append(QFileInfo(arg).absoluteFilePath());
    }
    if (parser.isSet(projectOption))
        positional.prepend(parser.value(projectOption));
    if (positional.size() > 1) {
        complain(QStringLiteral("give at most one project"));
        return 2;
    }
    if (!positional.isEmpty() && parser.isSet(sampleOption)) {
        complain(QStringLiteral("give a project or --sample, not both"));
        return 2;
    }
    QSize size(1280, 800);
    if (parser.isSet(sizeOption) && !parseSize(parser.value(sizeOption), &size)) {
        complain(QStringLiteral("--size %1: expected WIDTHxHEIGHT, at least 320x240").arg(parser.value(sizeOption)));
        return 2;
    }
    const QString screenshot = parser.value(screenshotOption);
    const bool batch = parser.isSet(screenshotOption);
    int waitSeconds = 120;
    if (parser.isSet(waitOption)) {
        bool ok = false;
        waitSeconds = parser.value(waitOption).toInt(&ok);
        if (!ok || waitSeconds < 0) {
            complain(QStringLiteral("--wait expects a whole number of seconds"));
            return 2;
        }
    }

    const QString colourBy = parser.value(colourOption);
    orrery::ColourBy colourAttribute = orrery::ColourBy::Label;
    const bool colourClusters = colourBy == u"clusters";
    if (parser.isSet(colourOption) && !colourClusters && !orrery::fromString(colourBy, &colourAttribute)) {
        complain(QStringLiteral("--colour-by %1: expected none, label, dataset, kind, length, popularity or clusters")
                     .arg(colourBy));
        return 2;
    }

    QStringList compareLayouts;
    if (parser.isSet(compareOption)) {
        compareLayouts = parser.value(compareOption).split(u',');
        if (compareLayouts.size() != 2 || compareLayouts[0].isEmpty() || compareLayouts[1].isEmpty()) {
            complain(QStringLiteral("--compare %1: expected two layout names, LAYOUT_A,LAYOUT_B")
                         .arg(parser.value(compareOption)));
            return 2;
        }
    }
    const QString compareColour = parser.value(compareColourOption);
    orrery::ui::ComparePage::Colour compareMode = orrery::ui::ComparePage::Colour::None;
    if (parser.isSet(compareColourOption)) {
        using C = orrery::ui::ComparePage::Colour;
        if (compareColour == u"clusters")
            compareMode = C::Clusters;
        else if (compareColour == u"set-agreement")
            compareMode = C::SetAgreement;
        else if (compareColour == u"map-agreement")
            compareMode = C::MapAgreement;
        else if (compareColour != u"none") {
            complain(QStringLiteral("--compare-colour %1: expected clusters, set-agreement, map-agreement or none")
                         .arg(compareColour));
            return 2;
        }
        if (compareLayouts.isEmpty()) {
            complain(QStringLiteral("--compare-colour needs --compare LAYOUT_A,LAYOUT_B"));
            return 2;
        }
    }
    orrery::AttributeSpec chartSpec;
    if (parser.isSet(chartOption)) {
        const QString chart = parser.value(chartOption);
        if (chart.startsWith(u"json:") && chart.size() > 5) {
            chartSpec = {orrery::AttributeKind::Json, chart.mid(5)};
        } else if (!orrery::fromString(chart, &chartSpec.kind) || chartSpec.kind == orrery::AttributeKind::Json) {
            complain(QStringLiteral("--chart %1: expected tag, label, dataset, length, popularity, cluster or "
                                    "json:FIELD")
                         .arg(chart));
            return 2;
        }
    }

    orrery::ui::MainWindow window;
    if (colourClusters)
        window.map()->setColourByClusters(); // once the layout's clustering is in
    else if (parser.isSet(colourOption))
        window.map()->setColourBy(colourAttribute);
    if (batch || parser.isSet(sizeOption) || !window.hasSavedGeometry())
        window.resize(size);

    QString project;
    QString error;
    if (!positional.isEmpty()) {
        project = positional.first();
        if (!QFileInfo(project).isFile()) {
            // Opening creates; a mistyped name should not leave an empty project behind.
            complain(project + QStringLiteral(": no such project file (File ▸ New Project… creates one)"));
            return 1;
        }
    } else {
        for (const QString &recent : orrery::ui::Settings::recentProjects()) {
            if (QFileInfo::exists(recent)) {
                project = recent;
                break;
            }
        }
        if (parser.isSet(sampleOption) || project.isEmpty()) {
            try {
                project = orrery::ui::ProjectSession::ensureSample();
            } catch (const orrery::Error &e) {
                project.clear();
                error = QStringLiteral("cannot create the sample project: ") + e.message();
            }
        }
    }
    if (!project.isEmpty() && window.openProject(project, &error) && parser.isSet(selectOption)
        && !window.selectItemByKey(parser.value(selectOption))) {
        error = QStringLiteral("--select %1: no item with that key in %2").arg(parser.value(selectOption), project);
    }
    orrery::ui::ComparePage *compare = nullptr;
    for (int i = 0; i < window.centreTabs()->count() && !compare; ++i)
        compare = qobject_cast<orrery::ui::ComparePage *>(window.centreTabs()->widget(i));
    QString clusteringName;
    if (!compareLayouts.isEmpty() && error.isEmpty() && compare && window.session()->project()) {
        orrery::Project &p = *window.session()->project();
        QString leftSet;
        try {
            const auto layouts = orrery::listLayouts(p);
            for (int side = 0; side < 2; ++side) {
                const auto it = std::find_if(layouts.begin(), layouts.end(),
                                             [&](const auto &l) { return l.name == compareLayouts[side]; });
                if (it == layouts.end()) {
                    complain(QStringLiteral("--compare: no layout \"%1\" in %2").arg(compareLayouts[side], project));
                    return 2;
                }
                if (side == 0)
                    leftSet = it->setName;
            }
            if (compareMode == orrery::ui::ComparePage::Colour::Clusters) {
                qint64 newest = -1;
                for (const orrery::ClusteringInfo &c : orrery::listClusterings(p))
                    if (c.setName == leftSet && (c.layoutName.isEmpty() || c.layoutName == compareLayouts[0])
                        && c.id > newest) {
                        newest = c.id;
                        clusteringName = c.name;
                    }
                if (clusteringName.isEmpty()) {
                    complain(QStringLiteral("--compare-colour clusters: set \"%1\" has no clustering (orrery-cli "
                                            "cluster computes one)")
                                 .arg(leftSet));
                    return 1;
                }
            }
        } catch (const orrery::Error &e) {
            complain(e.message());
            return 1;
        }
        window.centreTabs()->setCurrentWidget(compare);
        compare->showLayout(orrery::ui::ComparePage::Left, compareLayouts[0]);
        compare->showLayout(orrery::ui::ComparePage::Right, compareLayouts[1]);
        if (compareMode == orrery::ui::ComparePage::Colour::Clusters)
            compare->setClusterColour(clusteringName);
        else
            compare->setColour(compareMode);
    }
    if (parser.isSet(chartOption) && error.isEmpty()) {
        if (chartSpec.kind == orrery::AttributeKind::Cluster)
            chartSpec.field = !clusteringName.isEmpty() ? clusteringName : window.map()->clusteringName();
        window.charts()->show();
        window.charts()->raise(); // it may share a tab group with the inspector
        while (window.charts()->chartCount() > 0)
            window.charts()->removeChart(0);
        window.charts()->addChart(chartSpec);
    }
    if (!imports.isEmpty() && window.session()->project())
        window.session()->importPaths(imports);
    orrery::ui::RecommendPanel *panel = window.recommendations()->panel();
    bool recommending = false;
    QString recommendError;
    if (parser.isSet(recommendOption) && error.isEmpty()) {
        if (!parser.isSet(selectOption)) {
            complain(QStringLiteral("--recommend needs --select KEY"));
            return 2;
        }
        recommending = true;
        QObject::connect(panel, &orrery::ui::RecommendPanel::recommended, &window,
                         [&recommending] { recommending = false; });
        QObject::connect(panel, &orrery::ui::RecommendPanel::failed, &window,
                         [&recommending, &recommendError](const QString &message) {
                             recommending = false;
                             recommendError = message;
                         });
        window.recommendations()->seedFromSelection();
    }

    if (batch) {
        if (!error.isEmpty()) {
            complain(error);
            return 1;
        }
        window.show();
        // Maps and neighbour indexes computed on opening (the sample's first run) belong in the
        // picture, and so does the list to recommend, when it has a source: a song set, or the
        // jobs computing one. Each job's end and each list says whether to wait on.
        orrery::ui::JobRunner *runner = window.jobRunner();
        const auto waiting = [&] { return runner->count() > 0 || (recommending && panel->hasSource()); };
        if (waiting()) {
            QEventLoop loop;
            const auto check = [&] {
                if (!waiting())
                    loop.quit();
            };
            QObject::connect(runner, &orrery::ui::JobRunner::finished, &loop, check, Qt::QueuedConnection);
            QObject::connect(panel, &orrery::ui::RecommendPanel::recommended, &loop, check, Qt::QueuedConnection);
            QObject::connect(panel, &orrery::ui::RecommendPanel::failed, &loop, check, Qt::QueuedConnection);
            QTimer::singleShot(std::chrono::seconds(waitSeconds), &loop, &QEventLoop::quit);
            loop.exec();
        }
        if (recommending && !panel->hasSource()) {
            complain(QStringLiteral("--recommend: %1 has no song vectors to recommend from (compute a map of its "
                                    "songs first)")
                         .arg(project));
            return 1;
        }
        orrery::ui::ScatterView *view = window.map()->view();
        if (colourClusters && !window.map()->isClusteringShown()) {
            complain(QStringLiteral("--colour-by clusters: the map of %1 has no clustering (orrery-cli cluster "
                                    "computes one)")
                         .arg(project));
            return 1;
        }
        if (!clusteringName.isEmpty() && !compare->isClusteringShown()) {
            complain(QStringLiteral("--compare-colour clusters: %1 could not be shown").arg(clusteringName));
            return 1;
        }
        // Labels of a large clustering are placed once their anchors are built off the GUI thread.
        std::vector<orrery::ui::ScatterView *> views {view};
        if (compare) {
            views.push_back(compare->view(orrery::ui::ComparePage::Left));
            views.push_back(compare->view(orrery::ui::ComparePage::Right));
        }
        for (orrery::ui::ScatterView *v : views) {
            if (!v->isBuildingClusterAnchors())
                continue;
            QEventLoop loop;
            QObject::connect(v, &orrery::ui::ScatterView::clusterAnchorsReady, &loop, &QEventLoop::quit);
            QTimer::singleShot(std::chrono::seconds(std::max(waitSeconds, 1)), &loop, &QEventLoop::quit);
            loop.exec();
        }
        if (recommending || !recommendError.isEmpty()) {
            complain(QStringLiteral("--recommend: ")
                     + (recommending ? QStringLiteral("no list after %1 s").arg(waitSeconds) : recommendError));
            return 1;
        }
        QTimer::singleShot(0, &window, [&] {
            QString why;
            if (!window.saveScreenshot(screenshot, &why)) {
                complain(why);
                QApplication::exit(1);
            } else {
                QApplication::exit(0);
            }
        });
        return app.exec();
    }

    window.show();
    if (!error.isEmpty())
        QMessageBox::warning(&window, QStringLiteral("Orrery"), error);
    return app.exec();
}
