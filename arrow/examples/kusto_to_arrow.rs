//! tmp
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let body = std::fs::read(&a[2]).unwrap();
    let opts = kusto_frames_arrow::Options {
        datetime_unit: kusto_frames_arrow::DatetimeUnit::Microsecond,
        ..Default::default()
    };
    let f = std::fs::File::create(&a[3]).unwrap();
    if a[1] == "parquet" {
        kusto_frames_arrow::write_parquet(&body[..], f, &opts, Default::default()).unwrap();
    } else {
        kusto_frames_arrow::write_ipc_stream(&body[..], f, &opts).unwrap();
    }
}
