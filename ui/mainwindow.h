#pragma once

#include <QMainWindow>
#include <QStringList>

#include <functional>
#include <memory>

class QDockWidget;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QSortFilterProxyModel;
class QTableView;
class QTimer;
class QToolButton;
class QTreeView;

namespace orrery {
class JobContext;
class Project;
} // namespace orrery

namespace orrery::ui {

class DatasetModel;
class ItemModel;

/// The main window: datasets in a dock, the selected dataset's items in the centre, one
/// background job at a time (import, sample creation) with its progress in the status bar.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// AppDataLocation/sample.orrery.
    static QString sampleProjectPath();
    /// Creates the sample project unless a readable one is there already; returns its path.
    /// Runs on the calling thread (well under 2 s). Throws Error.
    static QString ensureSampleProject();
    /// Recently opened projects, newest first.
    static QStringList recentProjects();

    /// Opens (or creates) a project file. On failure: false, and the reason goes to `error`
    /// when given, else to a message box.
    bool openProject(const QString &path, QString *error = nullptr);
    /// Opens the sample project, creating it in the background when it is missing.
    void openSample();
    Project *project() const { return m_project.get(); }

    /// Imports files and folders into a new dataset of the open project, off the GUI thread.
    /// False when no project is open or a job is running; importFinished() reports the outcome.
    bool importPaths(const QStringList &paths);
    bool isBusy() const { return m_job != nullptr; }
    /// Asks the running job to stop; it reports `cancelled` within 200 ms.
    void cancelJob();

    /// Selects a dataset by name in the list; false when there is none.
    bool selectDataset(const QString &name);
    qint64 currentDatasetId() const;
    /// Applies a search to the item table at once (typing waits for a pause).
    void setSearchText(const QString &text);

    DatasetModel *datasetModel() const { return m_datasets; }
    ItemModel *itemModel() const { return m_items; }
    QSortFilterProxyModel *itemProxy() const { return m_itemProxy; }
    QTreeView *datasetView() const { return m_datasetView; }
    QTableView *itemView() const { return m_itemView; }

    /// Renders the window, as it is once pending events have run, to a PNG file.
    bool saveScreenshot(const QString &path, QString *error = nullptr);
    /// False when no geometry was saved yet (the caller picks a size).
    bool hasSavedGeometry() const { return m_restoredGeometry; }

signals:
    void projectOpened(const QString &path);
    void jobStarted(const QString &label);
    void jobProgress(qint64 done, qint64 total);
    /// Any background job ended; `message` is the error (empty on success).
    void jobFinished(bool ok, bool cancelled, const QString &message);
    /// An import ended, after the dataset list was reloaded; `message` is a summary or the error.
    void importFinished(bool ok, bool cancelled, const QString &message);

protected:
    void showEvent(QShowEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    struct Outcome {
        bool ok = false;
        bool cancelled = false;
        QString error;
        QStringList warnings;
        qint64 datasetId = 0;
        QString datasetName;
        qint64 items = 0;
        qint64 sequences = 0;
        qint64 skipped = 0;
        double seconds = 0;
    };
    struct Job;
    using Work = std::function<Outcome(JobContext &job)>;
    using Done = std::function<void(const Outcome &outcome)>;

    void createActions();
    void createWidgets();
    void restoreSettings();
    void saveSettings();
    bool startJob(const QString &label, Work work, Done done);
    void jobProgressed(quint64 id, qint64 done, qint64 total, const QString &message);
    void finishJob(quint64 id, const Outcome &outcome);
    void stopJobAndWait();
    void reloadDatasets(qint64 selectId);
    void datasetChanged();
    void updateCounts();
    void updateActions();
    void addRecent(const QString &path);
    void fillRecentMenu();
    void showError(const QString &text, const QString &details, const QStringList &warnings = {});
    QString uniqueDatasetName(const QStringList &paths) const;
    void chooseProject();
    void chooseNewProject();
    void chooseImport(bool folder);
    void about();

    std::unique_ptr<Project> m_project;
    std::unique_ptr<Job> m_job;
    quint64 m_jobSerial = 0;
    bool m_restoredGeometry = false;
    bool m_restoredState = false;
    bool m_shown = false;

    DatasetModel *m_datasets = nullptr;
    ItemModel *m_items = nullptr;
    QSortFilterProxyModel *m_itemProxy = nullptr;

    QDockWidget *m_datasetDock = nullptr;
    QTreeView *m_datasetView = nullptr;
    QTableView *m_itemView = nullptr;
    QLabel *m_datasetTitle = nullptr;
    QLineEdit *m_search = nullptr;
    QTimer *m_searchTimer = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_jobLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancel = nullptr;

    QMenu *m_recentMenu = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_newAction = nullptr;
    QAction *m_importAction = nullptr;
    QAction *m_importFolderAction = nullptr;
    QAction *m_sampleAction = nullptr;
};

} // namespace orrery::ui
