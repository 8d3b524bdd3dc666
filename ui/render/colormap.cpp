#include "colormap.h"

#include <algorithm>
#include <cmath>

namespace orrery::ui {

namespace {

constexpr QRgb categorical[] = {
    0xff3b82c4, // blue
    0xffe8843c, // orange
    0xff4daf4a, // green
    0xffd94b5a, // red
    0xff9467bd, // purple
    0xffe6c229, // yellow
    0xff2bb3a9, // teal
    0xffe377c2, // pink
    0xff8c6d46, // brown
    0xff7f9bd9, // periwinkle
    0xffa3c945, // lime
    0xffc85a9a, // magenta
};

// Nine samples along each map, read off their published curves; the table interpolates between them.
constexpr QRgb viridisControls[] = {0xff440154, 0xff472c7a, 0xff3b518b, 0xff2c718e, 0xff21908d,
                                    0xff27ad81, 0xff5cc863, 0xffaadc32, 0xfffde725};
constexpr QRgb infernoControls[] = {0xff000004, 0xff1f0c48, 0xff550f6d, 0xff88226a, 0xffba3655,
                                    0xffe35933, 0xfff98c0a, 0xfff9c932, 0xfffcffa4};

} // namespace

QRgb categoricalColour(qsizetype index)
{
    constexpr qsizetype fixed = qsizetype(std::size(categorical));
    if (index < 0)
        return noneColour;
    if (index < fixed)
        return categorical[index];
    // The golden angle keeps successive hues far apart however many there are.
    const double hue = std::fmod(0.13 + double(index - fixed) * 0.381966, 1.0);
    const double value = (index - fixed) % 2 == 0 ? 0.86 : 0.70;
    return QColor::fromHsvF(float(hue), 0.62f, float(value)).rgb();
}

ColourMap::ColourMap(const QRgb *controls, int count)
{
    for (int i = 0; i < 256; ++i) {
        const double pos = double(i) / 255.0 * double(count - 1);
        const int a = std::min(int(pos), count - 2);
        const double f = pos - double(a);
        const auto mix = [&](int (*channel)(QRgb)) {
            return int(std::lround(double(channel(controls[a])) * (1.0 - f) + double(channel(controls[a + 1])) * f));
        };
        m_table[size_t(i)] = qRgb(mix(qRed), mix(qGreen), mix(qBlue));
    }
}

const ColourMap &ColourMap::viridis()
{
    static const ColourMap map(viridisControls, int(std::size(viridisControls)));
    return map;
}

const ColourMap &ColourMap::inferno()
{
    static const ColourMap map(infernoControls, int(std::size(infernoControls)));
    return map;
}

QRgb ColourMap::at(double t) const
{
    if (!(t > 0.0))
        return m_table.front();
    return m_table[size_t(std::min(255.0, std::round(t * 255.0)))];
}

QLinearGradient ColourMap::gradient(QPointF from, QPointF to) const
{
    QLinearGradient g(from, to);
    for (int i = 0; i <= 16; ++i)
        g.setColorAt(double(i) / 16.0, QColor::fromRgb(at(double(i) / 16.0)));
    return g;
}

} // namespace orrery::ui
