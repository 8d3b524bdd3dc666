#include "transaction.h"

#include "store/project.h"
#include "store/sqlite.h"

namespace orrery {

WriteTransaction::WriteTransaction(Project &project) : m_project(project)
{
    sql::exec(m_project.db(), "BEGIN IMMEDIATE");
}

WriteTransaction::~WriteTransaction()
{
    if (m_open)
        sqlite3_exec(m_project.db(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void WriteTransaction::commit()
{
    sql::exec(m_project.db(), "COMMIT");
    m_open = false;
}

} // namespace orrery
