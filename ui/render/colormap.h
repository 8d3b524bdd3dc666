#pragma once

#include <QColor>
#include <QLinearGradient>

#include <array>

namespace orrery::ui {

/// Colour `index` of the categorical palette: twelve hand-picked hues that stay apart on dark and
/// light backgrounds, then golden-angle hues for as many more as asked.
QRgb categoricalColour(qsizetype index);

/// The colour of points without a category or value.
inline constexpr QRgb noneColour = 0xff8a8a8a;

/// A continuous colour map as a 256-entry table, interpolated in RGB from a few control points.
class ColourMap final {
public:
    /// Perceptually ordered blue → green → yellow, for values.
    static const ColourMap &viridis();
    /// Black → purple → orange → pale yellow, for densities.
    static const ColourMap &inferno();

    /// The colour at t, clamped to [0, 1].
    QRgb at(double t) const;
    const std::array<QRgb, 256> &table() const { return m_table; }
    /// A gradient along a line, for colour bars.
    QLinearGradient gradient(QPointF from, QPointF to) const;

private:
    explicit ColourMap(const QRgb *controls, int count);
    std::array<QRgb, 256> m_table {};
};

} // namespace orrery::ui
