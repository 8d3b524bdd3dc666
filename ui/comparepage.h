#pragma once

#include "jobrunner.h"

#include "base/clustering.h"

#include <QWidget>

#include <array>
#include <vector>

class QComboBox;
class QLabel;
class QSpinBox;

namespace orrery::ui {

class ProjectSession;
class ScatterView;

/// Two maps side by side: each shows a stored layout (of the same set, or of different sets of
/// the same items), and whatever is selected or hovered in one is selected or ringed in the
/// other, matched by item id (the two may hold their rows in different orders). "Colour by
/// neighbourhood agreement" colours each point by the share of its k nearest neighbours that
/// the two embeddings (or the two maps) have in common, computed in a job (eval/agreement.h).
class ComparePage final : public QWidget {
    Q_OBJECT

public:
    enum class Colour { None, SetAgreement, MapAgreement, Clusters };
    enum Side { Left = 0, Right = 1 };

    explicit ComparePage(ProjectSession *session, QWidget *parent = nullptr);
    ~ComparePage() override;

    ScatterView *view(Side side) const { return m_sides[side].view; }
    QComboBox *layoutChooser(Side side) const { return m_sides[side].chooser; }
    QComboBox *colourChooser() const { return m_colour; }
    QSpinBox *kChooser() const { return m_k; }

    /// Re-reads the project's stored layouts into the choosers (keeps the choices that remain).
    void refreshLayouts();
    /// Shows a stored layout on one side, loading it in a job; layoutShown(side) follows.
    void showLayout(Side side, const QString &name);
    QString layoutName(Side side) const { return m_sides[side].name; }
    void setColour(Colour colour);
    /// Colours both maps by one stored clustering (mapped to each map's rows by item id) with its
    /// labels on; loads it in a job, clustersShown() follows. Empty: colours by nothing.
    void setClusterColour(const QString &clustering);
    /// The clustering both maps are coloured by (empty unless colour() is Clusters).
    QString clusteringName() const { return m_colourMode == Colour::Clusters ? m_clusterName : QString(); }
    /// True once the chosen clustering is loaded and on both maps.
    bool isClusteringShown() const;
    Colour colour() const { return m_colourMode; }
    /// True while a layout or the agreement is being computed.
    bool isBusy() const;
    /// The agreement as last computed: per item id (those both sides hold), and its mean.
    const std::vector<qint64> &agreementIds() const { return m_agreementIds; }
    const std::vector<float> &agreementValues() const { return m_agreementValues; }
    double meanAgreement() const { return m_meanAgreement; }

signals:
    void layoutShown(int side);
    void agreementReady(double mean);
    void agreementFailed(const QString &message);
    void clustersShown();

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct SideState {
        ScatterView *view = nullptr;
        QComboBox *chooser = nullptr;
        QLabel *caption = nullptr;
        QString name;
        QString setName;
        std::vector<double> xy;
        std::vector<QString> labels;
    };
    void layoutLoaded(Side side, quint64 serial, const QString &name, const QString &setName, std::vector<double> xy,
                      std::vector<qint64> ids, std::vector<QString> labels);
    void selectionChangedIn(Side side);
    void hoveredIn(Side side, qint64 row);
    void clickedIn(Side side, qint64 row);
    void updateAgreement();
    void applyAgreement();
    void refreshClusterings();
    void updateClusters();
    void applyClusters();
    void updateStatus();
    void clearSides();

    ProjectSession *m_session;
    std::array<SideState, 2> m_sides;
    QComboBox *m_colour = nullptr;
    QSpinBox *m_k = nullptr;
    QLabel *m_status = nullptr;
    QString m_error; ///< why the last layout or agreement failed, until the next request
    Colour m_colourMode = Colour::None;
    bool m_syncing = false;
    std::vector<qint64> m_agreementIds;
    std::vector<float> m_agreementValues;
    double m_meanAgreement = -1;
    int m_agreementK = 0;
    QString m_clusterName; ///< the clustering chosen
    Clustering m_clustering; ///< as loaded (name empty until then)
    std::vector<qint64> m_clusterSetIds;
};

} // namespace orrery::ui
