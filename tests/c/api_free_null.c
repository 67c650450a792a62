/* api_free_null: every free function takes NULL as a no-op. */
#include "check.h"

int main(void) {
    ut_free_string(NULL);
    ut_client_free(NULL);
    ut_session_free(NULL);
    ut_free_string(NULL); /* and again: no hidden state */
    return 0;
}
