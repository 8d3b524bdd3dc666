#include "store/layouts.h"

#include "store/project.h"
#include "store/sqlite.h"

namespace orrery {

qint64 saveLayout(Project &project, Layout &layout, bool replace)
{
    if (layout.name.isEmpty())
        throw Error(QStringLiteral("a layout needs a name"));
    if (layout.xy.size() % 2 != 0)
        throw Error(QStringLiteral("layout \"%1\": %2 coordinates do not make rows of two")
                        .arg(layout.name)
                        .arg(layout.xy.size()));
    sql::Transaction tx(project.db());
    {
        sql::Statement set(project.db(),
                           layout.setId ? "SELECT id, name, count FROM embedding_set WHERE id = ?"
                                        : "SELECT id, name, count FROM embedding_set WHERE name = ?");
        if (layout.setId)
            set.bind(1, layout.setId);
        else
            set.bind(1, layout.setName);
        if (!set.step())
            throw Error(QStringLiteral("layout \"%1\": no embedding set \"%2\"").arg(layout.name, layout.setName));
        if (set.columnInt(2) != layout.count())
            throw Error(QStringLiteral("layout \"%1\": %2 rows for a set of %3")
                            .arg(layout.name)
                            .arg(layout.count())
                            .arg(set.columnInt(2)));
        layout.setId = set.columnInt(0);
        layout.setName = set.columnText(1);
    }
    if (replace) {
        sql::Statement del(project.db(), "DELETE FROM layout WHERE name = ?");
        del.bind(1, layout.name).exec();
    }
    sql::Statement st(project.db(),
                      "INSERT INTO layout(set_id, name, method, params, coords, stats) VALUES(?,?,?,?,?,?)");
    st.bind(1, layout.setId).bind(2, layout.name).bind(3, layout.method).bind(4, layout.params);
    st.bindBlob(5, layout.xy.data(), qint64(layout.xy.size() * sizeof(double)));
    st.bind(6, layout.stats);
    try {
        st.exec();
    } catch (const Error &e) {
        if (e.message().contains(u"UNIQUE"))
            throw Error(QStringLiteral("a layout named \"%1\" already exists; choose another --name").arg(layout.name));
        throw;
    }
    layout.id = sqlite3_last_insert_rowid(project.db());
    tx.commit();
    return layout.id;
}

Layout loadLayout(Project &project, const QString &name)
{
    sql::Statement st(project.db(),
                      "SELECT l.id, l.name, l.set_id, s.name, l.method, l.params, l.stats, l.coords "
                      "FROM layout l JOIN embedding_set s ON s.id = l.set_id WHERE l.name = ?");
    st.bind(1, name);
    if (!st.step())
        throw Error(QStringLiteral("no layout named \"%1\" (orrery-cli project computes one)").arg(name));
    Layout layout;
    layout.id = st.columnInt(0);
    layout.name = st.columnText(1);
    layout.setId = st.columnInt(2);
    layout.setName = st.columnText(3);
    layout.method = st.columnText(4);
    layout.params = st.columnObject(5);
    layout.stats = st.columnObject(6);
    st.columnArray(7, layout.xy);
    layout.xy.resize(layout.xy.size() / 2 * 2);
    return layout;
}

QList<LayoutInfo> listLayouts(Project &project)
{
    QList<LayoutInfo> out;
    sql::Statement st(project.db(),
                      "SELECT l.id, l.name, s.name, l.method, length(l.coords) / 16, l.created "
                      "FROM layout l JOIN embedding_set s ON s.id = l.set_id ORDER BY l.name");
    while (st.step())
        out.append(
            {st.columnInt(0), st.columnText(1), st.columnText(2), st.columnText(3), st.columnInt(4), st.columnText(5)});
    return out;
}

bool removeLayout(Project &project, const QString &name)
{
    sql::Statement st(project.db(), "DELETE FROM layout WHERE name = ?");
    st.bind(1, name).exec();
    return sqlite3_changes(project.db()) > 0;
}

} // namespace orrery
