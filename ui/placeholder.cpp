namespace orrery::ui {
}
