#include "store/modelheaders.h"

#include "store/project.h"
#include "store/sqlite.h"

namespace orrery {

std::optional<StoredModel> loadModelHeader(Project &project, const QString &name)
{
    sql::Statement st(project.db(), "SELECT coalesce(dataset_id, 0), method, params, stats FROM model WHERE name = ?");
    st.bind(1, name);
    if (!st.step())
        return std::nullopt;
    StoredModel m;
    m.name = name;
    m.datasetId = st.columnInt(0);
    m.method = st.columnText(1);
    m.params = st.columnObject(2);
    m.stats = st.columnObject(3);
    return m;
}

int epochsDone(const StoredModel &model)
{
    return model.stats.value(QStringLiteral("epochs_done")).toInt();
}

} // namespace orrery
