#include "transaction.hpp"

namespace vigil::host {

Status Transaction::begin() {
    Status st = storage_.begin();
    open_ = st.is_ok();
    if (!open_) storage_.rollback();
    return st;
}

Status Transaction::commit() {
    Status st = storage_.commit();
    if (st.is_ok()) {
        open_ = false;
    } else {
        rollback();
    }
    return st;
}

void Transaction::rollback() {
    if (!open_) return;
    open_ = false;
    storage_.rollback();
}

}  // namespace vigil::host
