/*
 * cunjing: one binary for the server and its administration. main() only
 * hands over to the command table (cli/cli.c); `cunjing serve` parses its
 * configuration, opens the store, checks the schema, starts the HTTP server
 * and waits for a signal.
 */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
