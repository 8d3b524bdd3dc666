#include "filters.h"

#include "store/project.h"
#include "store/sqlite.h"

namespace orrery {

std::vector<qint64> itemsInDataset(Project &project, qint64 datasetId)
{
    sql::Statement st(project.db(), "SELECT item_id FROM dataset_item WHERE dataset_id = ?");
    st.bind(1, datasetId);
    return st.ints();
}

bool tagExists(Project &project, const QString &name)
{
    sql::Statement known(project.db(), "SELECT count(*) FROM tag WHERE name = ?");
    known.bind(1, name);
    return known.step() && known.columnInt(0) != 0;
}

std::vector<qint64> itemsWithTag(Project &project, const QString &name, const QString &kind)
{
    sql::Statement st(project.db(),
                      kind.isEmpty() ? "SELECT DISTINCT it.item_id FROM item_tag it JOIN tag t ON "
                                       "t.id = it.tag_id WHERE t.name = ?"
                                     : "SELECT DISTINCT it.item_id FROM item_tag it JOIN tag t ON "
                                       "t.id = it.tag_id WHERE t.name = ? AND t.kind = ?");
    st.bind(1, name);
    if (!kind.isEmpty())
        st.bind(2, kind);
    return st.ints();
}

std::vector<qint64> itemsWithAttribute(Project &project, const QString &jsonPath, const QString &value)
{
    bool isNumber = false;
    const double number = value.toDouble(&isNumber);
    sql::Statement st(project.db(), R"sql(
        SELECT id FROM item WHERE attrs IS NOT NULL AND CASE WHEN json_valid(attrs) THEN
          CASE json_type(attrs, ?1)
            WHEN 'text' THEN json_extract(attrs, ?1) = ?2
            WHEN 'integer' THEN json_extract(attrs, ?1) = ?3
            WHEN 'real' THEN json_extract(attrs, ?1) = ?3
            WHEN 'true' THEN ?2 = 'true'
            WHEN 'false' THEN ?2 = 'false'
            WHEN 'null' THEN ?2 = 'null'
            WHEN 'array' THEN EXISTS (SELECT 1 FROM json_each(attrs, ?1) j
                                      WHERE (j.type = 'text' AND j.value = ?2) OR
                                            (j.type IN ('integer', 'real') AND j.value = ?3))
            ELSE 0 END
          ELSE 0 END)sql");
    st.bind(1, jsonPath).bind(2, value);
    if (isNumber)
        st.bind(3, number);
    else
        st.bindNull(3);
    return st.ints();
}

} // namespace orrery
