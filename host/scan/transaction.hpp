// One write transaction of the storage, rolled back unless committed: the
// guard every recording step holds instead of pairing begin, commit and
// rollback by hand on each path out.
#ifndef VIGIL_HOST_TRANSACTION_HPP
#define VIGIL_HOST_TRANSACTION_HPP

#include "status.hpp"
#include "storage_handle.hpp"

namespace vigil::host {

class Transaction {
public:
    explicit Transaction(StorageHandle& storage) : storage_(storage) {}
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    // Rolls back a transaction still open.
    ~Transaction() { rollback(); }

    // Opens the transaction; an error leaves it closed.
    Status begin();
    // Commits; on failure rolls back, so the guard is closed either way.
    Status commit();
    // Rolls back when open (a failed rollback leaves nothing to do: the
    // storage ends the transaction either way).
    void rollback();
    bool is_open() const { return open_; }

private:
    StorageHandle& storage_;
    bool open_ = false;
};

}  // namespace vigil::host

#endif
