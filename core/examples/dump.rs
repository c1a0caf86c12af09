//! Prints the events of a body, fed in chunks of the given size.
use kusto_frames::Decoder;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: dump FILE [CHUNK]");
    let chunk: usize = args
        .next()
        .map_or(65536, |s| s.parse().expect("chunk size"));
    let body = std::fs::read(path).expect("read");
    let mut dec = Decoder::new();
    for c in body.chunks(chunk.max(1)) {
        let mut feed = dec.feed(c);
        loop {
            match feed.next_event() {
                Ok(Some(ev)) => println!("{ev:?}"),
                Ok(None) => break,
                Err(e) => {
                    println!("ERROR {e}");
                    return;
                }
            }
        }
    }
    let mut end = dec.finish();
    loop {
        match end.next_event() {
            Ok(Some(ev)) => println!("{ev:?}"),
            Ok(None) => break println!("end: ok"),
            Err(e) => break println!("end: ERROR {e}"),
        }
    }
}
