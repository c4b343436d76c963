/*
 * Functions that are easy to misuse turn into compile errors (after git's
 * banned.h). Included last by every .c file of ours through core/xalloc.h.
 * Use snprintf/buf_* instead of sprintf/strcpy/strcat, strtol-family with
 * checks instead of atoi, gmtime_r/localtime_r instead of gmtime/localtime.
 */
#ifndef CUNJING_CORE_BANNED_H
#define CUNJING_CORE_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef system
#define system(x) BANNED(system)
#undef popen
#define popen(x, y) BANNED(popen)

#endif
