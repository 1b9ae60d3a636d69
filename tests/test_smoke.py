def test_it_builds_the_world(world):
    assert world.site_a.region_path.startswith(world.putuo.path)
    assert len(world.personas) == 10
