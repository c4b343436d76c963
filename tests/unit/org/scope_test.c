/*
 * Unit tests of org/scope: a scope is a set of disjoint subtree roots; a path
 * is inside when it starts with one of their paths. Adding a root inside an
 * existing one changes nothing, adding one that contains others replaces
 * them, and "everything" holds every path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "org/scope.h"

#include "core/xalloc.h"

#define TOWN "/p/c/k/t1/"
#define VIL1 "/p/c/k/t1/v1/"
#define VIL2 "/p/c/k/t1/v2/"
#define TOWN2 "/p/c/k/t2/"

/* Invariants the header promises: no root lies inside another, arrays are parallel. */
static void assert_sane(const struct scope *s)
{
    for (size_t i = 0; i < s->n; i++) {
        assert_non_null(s->paths[i]);
        assert_non_null(s->area_ids[i]);
        for (size_t k = 0; k < s->n; k++)
            if (i != k)
                assert_false(strncmp(s->paths[k], s->paths[i], strlen(s->paths[i])) == 0);
    }
}

static void empty_scope_holds_nothing(void **state)
{
    (void)state;
    struct scope s;
    scope_init(&s);
    assert_int_equal(s.n, 0);
    assert_false(s.everything);
    assert_false(scope_has_path(&s, VIL1));
    assert_false(scope_has_path(&s, "/"));
    assert_false(scope_has_path(&s, NULL));
    scope_release(&s);
}

static void everything_holds_every_path(void **state)
{
    (void)state;
    struct scope s;
    scope_init(&s);
    s.everything = true;
    assert_true(scope_has_path(&s, VIL1));
    assert_true(scope_has_path(&s, "/x/"));
    assert_false(scope_has_path(&s, NULL));
    scope_release(&s);
    assert_false(s.everything);
}

static void subtree_holds_root_and_descendants_only(void **state)
{
    (void)state;
    struct scope s;
    scope_init(&s);
    scope_add(&s, "t1", TOWN);
    assert_sane(&s);
    assert_true(scope_has_path(&s, TOWN));
    assert_true(scope_has_path(&s, VIL1));
    assert_true(scope_has_path(&s, VIL1 "h1/"));
    assert_false(scope_has_path(&s, TOWN2));
    assert_false(scope_has_path(&s, "/p/c/k/"));     /* the parent */
    assert_false(scope_has_path(&s, "/p/c/k/t10/")); /* a sibling whose id extends t1 */
    scope_release(&s);
}

static void root_inside_existing_is_not_added(void **state)
{
    (void)state;
    struct scope s;
    scope_init(&s);
    scope_add(&s, "t1", TOWN);
    scope_add(&s, "v1", VIL1);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.area_ids[0], "t1");
    scope_add(&s, "t1", TOWN); /* the same root twice */
    assert_int_equal(s.n, 1);
    assert_sane(&s);
    scope_release(&s);
}

static void containing_root_replaces_contained(void **state)
{
    (void)state;
    struct scope s;
    scope_init(&s);
    scope_add(&s, "v1", VIL1);
    scope_add(&s, "t2", TOWN2);
    scope_add(&s, "v2", VIL2);
    assert_int_equal(s.n, 3);
    scope_add(&s, "t1", TOWN);
    assert_int_equal(s.n, 2);
    assert_sane(&s);
    bool t1 = false, t2 = false;
    for (size_t i = 0; i < s.n; i++) {
        t1 = t1 || strcmp(s.area_ids[i], "t1") == 0;
        t2 = t2 || strcmp(s.area_ids[i], "t2") == 0;
    }
    assert_true(t1);
    assert_true(t2);
    assert_true(scope_has_path(&s, VIL2));
    assert_true(scope_has_path(&s, TOWN2 "v9/"));
    assert_false(scope_has_path(&s, "/p/c/k/t3/"));
    scope_release(&s);
    assert_int_equal(s.n, 0);
    assert_null(s.paths);
}

static void added_strings_are_copied(void **state)
{
    (void)state;
    char id[8] = "v1", path[32] = VIL1;
    struct scope s;
    scope_init(&s);
    scope_add(&s, id, path);
    memset(path, 'x', sizeof path - 1);
    memset(id, 'y', sizeof id - 1);
    assert_string_equal(s.paths[0], VIL1);
    assert_string_equal(s.area_ids[0], "v1");
    scope_release(&s);
}

static void release_then_reuse(void **state)
{
    (void)state;
    struct scope s;
    scope_init(&s);
    scope_add(&s, "v1", VIL1);
    scope_release(&s);
    scope_release(&s); /* twice is harmless */
    scope_add(&s, "v2", VIL2);
    assert_int_equal(s.n, 1);
    assert_false(scope_has_path(&s, VIL1));
    assert_true(scope_has_path(&s, VIL2));
    scope_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_scope_holds_nothing),
        cmocka_unit_test(everything_holds_every_path),
        cmocka_unit_test(subtree_holds_root_and_descendants_only),
        cmocka_unit_test(root_inside_existing_is_not_added),
        cmocka_unit_test(containing_root_replaces_contained),
        cmocka_unit_test(added_strings_are_copied),
        cmocka_unit_test(release_then_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
