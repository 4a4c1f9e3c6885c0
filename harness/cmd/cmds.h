/* The subcommands, one file each (harness/cmd/cmd_<name>.c). Each takes the
 * arguments after "thinkbench" (argv[0] is the command's name) and returns the
 * process exit code (rc.h). */
#ifndef TB_CMDS_H
#define TB_CMDS_H

int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_grade(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_view(int argc, char **argv);
int cmd_cache(int argc, char **argv);

#endif
